import { z } from 'zod';
import { type Condition, VALUE_TESTS } from '../engine/conditions.ts';
import { normalizeKeyword, RESERVED_KEYWORDS } from '../engine/keywords.ts';
import { nonEmptyText, strictObject, translatable } from './schema-helpers.ts';
import { closestMatch, quoteList, quoteValue, quoteValueWithType, unknownPropertiesMessage } from './validation-messages.ts';

/** The `goto` target that ends a survey with its `end` message. */
export const DEFAULT_END_ID = 'end';
export const DEFAULT_SKIP_WORD = 'SKIP';

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const COMBINERS = ['all', 'any', 'not'] as const;
const CONDITION_KINDS = ['answer', 'score', ...COMBINERS] as const;
const ANSWER_PROPERTIES = ['answer', 'answered', 'skipped', ...VALUE_TESTS];
const SCORE_PROPERTIES = ['score', ...VALUE_TESTS];
const CONDITION_EXAMPLE = '{ "answer": "QUESTION_ID", "equals": "VALUE" }';

type IssueSink = (path: readonly (string | number)[], input: unknown, message: string) => void;

/** Reports every problem in the shape of a condition. References to questions and scores are checked with the whole survey. */
function checkCondition(value: unknown, path: readonly (string | number)[], report: IssueSink): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(path, value, `expected a condition as an object in curly braces, got ${quoteValueWithType(value)}. Write one such as ${CONDITION_EXAMPLE}.`);
    return;
  }

  const record = value as Record<string, unknown>;
  const kinds = CONDITION_KINDS.filter((kind) => Object.hasOwn(record, kind));
  if (kinds.length === 0) {
    report(
      path,
      value,
      `a condition needs one of the properties ${quoteList(CONDITION_KINDS)}, and this one has ${describeKeys(record)}. Write one such as ${CONDITION_EXAMPLE}.`,
    );
    return;
  }
  if (kinds.length > 1) {
    report(
      path,
      value,
      `a condition has exactly one of ${quoteList(CONDITION_KINDS)}, and this one has ${quoteList(kinds)}. Combine conditions with { "all": [ ... ] } or { "any": [ ... ] }.`,
    );
    return;
  }

  const kind = kinds[0]!;
  if (kind === 'all' || kind === 'any') {
    checkOnlyProperties(record, [kind], path, `an "${kind}" condition`, report);
    const parts = record[kind];
    if (!Array.isArray(parts)) {
      report([...path, kind], parts, `expected "${kind}" to be a list of conditions in square brackets [ ... ], got ${quoteValueWithType(parts)}.`);
      return;
    }
    if (parts.length === 0) {
      report([...path, kind], parts, `expected at least 1 condition in "${kind}", got none. List the conditions, or remove the "${kind}".`);
      return;
    }
    parts.forEach((part, index) => checkCondition(part, [...path, kind, index], report));
    return;
  }
  if (kind === 'not') {
    checkOnlyProperties(record, ['not'], path, 'a "not" condition', report);
    checkCondition(record.not, [...path, 'not'], report);
    return;
  }

  const allowed = kind === 'answer' ? ANSWER_PROPERTIES : SCORE_PROPERTIES;
  checkOnlyProperties(record, allowed, path, `a condition on ${kind === 'answer' ? 'an answer' : 'a score'}`, report);

  const id = record[kind];
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    const noun = kind === 'answer' ? 'question' : 'score';
    report([...path, kind], id, `expected the id of a ${noun} in "${kind}", got ${quoteValueWithType(id)}. Write the ${noun} id in quotes.`);
  }

  const tests = allowed.filter((property) => property !== kind && Object.hasOwn(record, property));
  if (tests.length === 0) {
    report(path, value, `the condition on ${kind} ${quoteValue(id)} has no test. Add one of ${quoteList(allowed.filter((property) => property !== kind))}.`);
  }
  for (const test of tests) checkTestValue(test, record[test], [...path, test], report);
}

function checkTestValue(test: string, value: unknown, path: readonly (string | number)[], report: IssueSink): void {
  const isScalar = (item: unknown) => typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean';

  if (test === 'answered' || test === 'skipped') {
    if (typeof value !== 'boolean') report(path, value, `expected true or false in "${test}", got ${quoteValueWithType(value)}.`);
  } else if (test === 'equals') {
    if (!isScalar(value)) report(path, value, `expected a text, a number, true or false in "equals", got ${quoteValueWithType(value)}.`);
  } else if (test === 'in') {
    if (!Array.isArray(value) || value.length === 0) {
      report(path, value, `expected "in" to be a list of values in square brackets, such as ["A", "B"], got ${quoteValueWithType(value)}.`);
      return;
    }
    value.forEach((item, index) => {
      if (!isScalar(item)) report([...path, index], item, `expected a text, a number, true or false, got ${quoteValueWithType(item)}.`);
    });
  } else if (typeof value !== 'number' || !Number.isFinite(value)) {
    report(path, value, `expected a number in "${test}", got ${quoteValueWithType(value)}. Write the number without quotes.`);
  }
}

function checkOnlyProperties(
  record: Record<string, unknown>,
  allowed: readonly string[],
  path: readonly (string | number)[],
  owner: string,
  report: IssueSink,
): void {
  const unknown = Object.keys(record).filter((key) => !allowed.includes(key));
  if (unknown.length === 0) return;

  const where = unknown.length === 1 ? [...path, unknown[0]!] : path;
  report(where, record, unknownPropertiesMessage(unknown, allowed, owner));
}

function describeKeys(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  if (keys.length === 0) return 'none';

  const hints = keys.map((key) => closestMatch(key, CONDITION_KINDS)).filter((hint): hint is string => hint !== undefined);
  const hint = hints.length > 0 ? ` (did you mean "${hints[0]}"?)` : '';
  return `${quoteList(keys)}${hint}`;
}

const conditionJsonSchema = {
  id: 'condition',
  description:
    'A condition on earlier answers or scores: { "answer": id, test } or { "score": id, test }, where a test is equals, in, lt, lte, gt, gte, answered or skipped; combine with { "all": [...] }, { "any": [...] } or { "not": condition }.',
  type: 'object',
  anyOf: [
    {
      required: ['answer'],
      properties: {
        answer: { type: 'string' },
        answered: { type: 'boolean' },
        skipped: { type: 'boolean' },
        equals: { type: ['string', 'number', 'boolean'] },
        in: { type: 'array', minItems: 1, items: { type: ['string', 'number', 'boolean'] } },
        lt: { type: 'number' },
        lte: { type: 'number' },
        gt: { type: 'number' },
        gte: { type: 'number' },
      },
      additionalProperties: false,
    },
    {
      required: ['score'],
      properties: {
        score: { type: 'string' },
        equals: { type: 'number' },
        in: { type: 'array', minItems: 1, items: { type: 'number' } },
        lt: { type: 'number' },
        lte: { type: 'number' },
        gt: { type: 'number' },
        gte: { type: 'number' },
      },
      additionalProperties: false,
    },
    { required: ['all'], properties: { all: { type: 'array', minItems: 1, items: { $ref: '#/definitions/condition' } } }, additionalProperties: false },
    { required: ['any'], properties: { any: { type: 'array', minItems: 1, items: { $ref: '#/definitions/condition' } } }, additionalProperties: false },
    { required: ['not'], properties: { not: { $ref: '#/definitions/condition' } }, additionalProperties: false },
  ],
};

/**
 * A condition. Zod checks it by hand rather than with a union, so that a mistake deep
 * inside `all` or `any` is reported at its own path with its own fix. The JSON Schema
 * that editors use is written out in `conditionJsonSchema`.
 */
export const conditionSchema = z
  .unknown()
  .superRefine((value, context) => {
    checkCondition(value, [], (path, input, message) => context.addIssue({ code: 'custom', path: [...path], input, message }));
  })
  .transform((value) => value as Condition)
  .meta(conditionJsonSchema);

export const nextRulesSchema = z
  .array(
    strictObject('a next rule', {
      if: conditionSchema.optional().describe('When this holds, the rule applies. A rule without "if" always applies.'),
      goto: z
        .string({ error: (issue) => `expected the id of a question or an end in "goto", got ${quoteValueWithType(issue.input)}.` })
        .describe(`Where the survey goes: a later question's id, "${DEFAULT_END_ID}" for the end message, or the id of one of the survey's ends.`),
    }),
    { error: (issue) => (issue.input === undefined ? undefined : `expected "next" as a list of rules in square brackets [ ... ], got ${quoteValueWithType(issue.input)}.`) },
  )
  .describe('Rules read in order after the question is answered, skipped or given up on; the first whose "if" holds decides where the survey goes. Without a matching rule it goes to the following question.');

export const showIfSchema = conditionSchema.describe('The question is asked only when this holds; otherwise the survey passes on to the following question.');

export const optionalSchema = z
  .boolean({ error: (issue) => (issue.input === undefined ? undefined : `expected true or false in "optional", got ${quoteValueWithType(issue.input)}.`) })
  .optional()
  .describe("Whether a respondent may reply with the survey's skipWord to skip this question.");

const itemIdSchema = (noun: string) =>
  z.string().regex(ID_PATTERN, {
    error: (issue) => `invalid ${noun} id ${quoteValue(issue.input)}. Use only letters, digits, "_" and "-".`,
  });

export const endsSchema = z
  .record(
    itemIdSchema('end'),
    strictObject('an end', {
      text: translatable(nonEmptyText('end text').describe('Message sent when the survey goes to this end.')),
      screenOut: z.boolean().optional().describe('Whether a respondent who reaches this end was screened out: the session gets the status screened_out instead of completed.'),
    }),
    { error: (issue) => (issue.input === undefined ? undefined : `expected "ends" as an object of named ends in curly braces, got ${quoteValueWithType(issue.input)}.`) },
  )
  .describe('Named ends, by id, that a "goto" can go to instead of the end message.');

export const scoresSchema = z
  .record(
    itemIdSchema('score'),
    strictObject('a score', {
      sum: z
        .array(z.string(), { error: (issue) => `expected "sum" as a list of question ids, got ${quoteValueWithType(issue.input)}.` })
        .min(1, { error: 'expected at least 1 question id in "sum", got none. List the questions that the score adds up.' })
        .describe('The questions whose answers are added up.'),
      values: z
        .record(z.string(), z.number({ error: (issue) => `expected a number, got ${quoteValueWithType(issue.input)}. Write the number without quotes.` }))
        .optional()
        .describe('The number each choice value (its label unless the choice sets "value") counts as. "yes" and "no" override 1 and 0 for yes/no questions; numbers count as themselves.'),
      missing: z
        .number({ error: (issue) => `expected a number in "missing", got ${quoteValueWithType(issue.input)}.` })
        .optional()
        .describe('Counted for a question without an answer. Without it, the score exists only once every question in "sum" is answered.'),
    }),
    { error: (issue) => (issue.input === undefined ? undefined : `expected "scores" as an object of scores in curly braces, got ${quoteValueWithType(issue.input)}.`) },
  )
  .describe('Computed values, by id, usable in conditions ({ "score": id }), in texts ({{scores.id}}) and in exports.');

export const skipWordSchema = translatable(
  z
    .string()
    .regex(/^[A-Za-z0-9]+$/, {
      error: (issue) => `invalid skipWord ${quoteValue(issue.input)}. Use a single word of letters A-Z and digits, for example "${DEFAULT_SKIP_WORD}".`,
    })
    .refine((word) => !(RESERVED_KEYWORDS as readonly string[]).includes(normalizeKeyword(word)), {
      error: (issue) =>
        `skipWord ${quoteValue(issue.input)} is a compliance keyword, which is read before any answer, so it could never skip a question. Choose another word, such as "${DEFAULT_SKIP_WORD}" or "PASS".`,
    }),
)
  .default(DEFAULT_SKIP_WORD)
  .describe(`The reply that skips an optional question, matched ignoring case; default "${DEFAULT_SKIP_WORD}".`)
  .transform((word) => word.toUpperCase());
