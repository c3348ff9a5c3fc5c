import { z } from 'zod';
import { normalizeForMatching } from '../engine/answers/normalize.ts';
import { classifyKeyword, normalizeKeyword } from '../engine/keywords.ts';
import { trimEdges } from '../engine/trim-edges.ts';
import { EVEN_WITH_FIELD_ERRORS, EVEN_WITH_ITEM_ERRORS, nonEmptyText, strictObject } from './schema-helpers.ts';
import { closestMatch, quoteList, quoteValue, quoteValueWithType } from './validation-messages.ts';

export const QUESTION_TYPES = ['choice', 'number', 'nps', 'yesno', 'text'] as const;

const questionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, {
    error: (issue) => {
      const example = trimEdges(String(issue.input).replace(/[^A-Za-z0-9_-]+/g, '_'), /_/) || 'score';
      return `invalid question id ${quoteValue(issue.input)}. Use only letters, digits, "_" and "-", for example "${example}".`;
    },
  })
  .describe('Question id, unique within the survey: letters, digits, "_" and "-". Answers are stored under it.');

export const maxRetriesSchema = z
  .number({
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `expected a whole number from 0 to 10, got ${quoteValueWithType(issue.input)}. It is how many times an invalid answer is asked again.`,
  })
  .int()
  .min(0)
  .max(10);

/** Fields shared by every question type, with the type-specific ones placed before maxRetries. */
function questionShape<Type extends string, Extra extends z.core.$ZodLooseShape>(type: Type, extra: Extra) {
  return {
    id: questionIdSchema,
    type: z.literal(type).describe('Question type, which decides how replies are read.'),
    text: nonEmptyText('question text').describe('The question as sent by SMS.'),
    ...extra,
    maxRetries: maxRetriesSchema
      .optional()
      .describe("How many times this question is asked again after an invalid answer. Overrides the survey's maxRetries."),
  };
}

const MIN_CHOICES = 2;
const MAX_CHOICES = 9;

function arrayLength(input: unknown): number {
  return Array.isArray(input) ? input.length : 0;
}

/** Rejects choices that a reply could not tell apart, by text or by option number. */
function checkChoicesAreDistinct(choices: string[], context: z.core.$RefinementCtx<string[]>): void {
  const firstByNormalized = new Map<string, string>();

  choices.forEach((choice, index) => {
    if (typeof choice !== 'string' || !/\S/.test(choice)) return;
    const normalized = normalizeForMatching(choice);

    // A reply that is a number picks the option at that position, never a label that reads as a number.
    const position = /^[0-9]+$/.test(normalized) ? Number(normalized) : undefined;
    if (position !== undefined && position >= 1 && position <= choices.length && position !== index + 1) {
      context.addIssue({
        code: 'custom',
        path: [index],
        input: choice,
        message:
          `choice ${quoteValue(choice)} is option ${index + 1}, but a reply of "${position}" picks option ${position} (${quoteValue(choices[position - 1])}). ` +
          `Move it to position ${position} or reword it.`,
      });
    }

    const first = firstByNormalized.get(normalized);
    if (first === undefined) {
      firstByNormalized.set(normalized, choice);
      return;
    }
    context.addIssue({
      code: 'custom',
      path: [index],
      input: choice,
      message:
        `choice ${quoteValue(choice)} is the same as ${quoteValue(first)} when case, accents and punctuation are ignored, ` +
        'so a reply could not tell them apart. Reword or remove one of them.',
    });
  });
}

const KEYWORD_EFFECT = {
  'opt-out': 'unsubscribes the respondent and ends the survey',
  'opt-in': 'sends the opt-in confirmation and repeats the question',
  help: 'sends the help text and repeats the question',
} as const;

/**
 * Rejects choices whose whole text is an opt-out, opt-in or help keyword, because
 * keywords are read before any answer. YES is allowed here: it opts back in only a
 * respondent who opted out, so during a survey it is read as the choice.
 */
function checkChoicesAreNotKeywords(choices: string[], context: z.core.$RefinementCtx<string[]>): void {
  choices.forEach((choice, index) => {
    if (typeof choice !== 'string') return;
    const kind = classifyKeyword(choice);
    if (kind === undefined || kind === 'yes') return;

    context.addIssue({
      code: 'custom',
      path: [index],
      input: choice,
      message:
        `choice ${quoteValue(choice)} is the ${kind} keyword ${normalizeKeyword(choice)}, which is read before any answer, so replying ${quoteValue(choice)} ${KEYWORD_EFFECT[kind]} ` +
        `instead of picking this choice. Reword the choice so that it is not a keyword on its own (a reply of "${index + 1}" still picks it).`,
    });
  });
}

const choicesSchema = z
  .array(nonEmptyText('choice'))
  .min(MIN_CHOICES, {
    error: (issue) => `expected at least ${MIN_CHOICES} choices, got ${arrayLength(issue.input)}. Add another choice.`,
  })
  .max(MAX_CHOICES, {
    error: (issue) =>
      `expected at most ${MAX_CHOICES} choices, got ${arrayLength(issue.input)}. Remove ${arrayLength(issue.input) - MAX_CHOICES}, because a reply picks a choice by a single digit.`,
  })
  .superRefine(checkChoicesAreDistinct, EVEN_WITH_ITEM_ERRORS)
  .superRefine(checkChoicesAreNotKeywords, EVEN_WITH_ITEM_ERRORS)
  .describe('2 to 9 options, sent numbered from 1 below the question text. A reply picks one by its number or its text, ignoring case, accents and punctuation.');

const choiceQuestionSchema = strictObject('a choice question', questionShape('choice', { choices: choicesSchema })).describe(
  'A question answered by picking one of its choices. The answer is the choice text.',
);

/** Rejects a number question whose max is below its min, because no answer could pass. */
function checkRangeIsOrdered(question: { min?: number; max?: number }, context: z.core.$RefinementCtx): void {
  const { min, max } = question;
  if (typeof min !== 'number' || typeof max !== 'number' || min <= max) return;

  context.addIssue({
    code: 'custom',
    path: ['max'],
    input: max,
    message: `max ${max} is less than min ${min}. Make max at least ${min}, or swap the two values.`,
  });
}

const numberQuestionSchema = strictObject(
  'a number question',
  questionShape('number', {
    min: z.number().optional().describe('Smallest accepted answer, inclusive. Answers below it are asked again, never clamped.'),
    max: z.number().optional().describe('Largest accepted answer, inclusive. Answers above it are asked again, never clamped.'),
    integer: z.boolean().default(false).describe('Whether only whole numbers are accepted.'),
  }),
)
  .superRefine(checkRangeIsOrdered, EVEN_WITH_FIELD_ERRORS)
  .describe('A question answered with one number, such as an age or a rating.');

const npsQuestionSchema = strictObject('an nps question', questionShape('nps', {})).describe(
  'A Net Promoter Score question, answered with a whole number from 0 to 10.',
);
const yesNoQuestionSchema = strictObject('a yesno question', questionShape('yesno', {})).describe(
  'A question answered with yes or no (or a synonym such as "yep" or "nope"). The answer is true or false.',
);
const textQuestionSchema = strictObject('a text question', questionShape('text', {})).describe(
  'A question answered with free text, stored with the spaces at its ends trimmed.',
);

function questionTypeMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input !== undefined) {
    return `expected a question as an object in curly braces { ... }, got ${quoteValueWithType(issue.input)}.`;
  }
  if (issue.code !== 'invalid_union') return undefined;

  const type = (issue.input as { type?: unknown }).type;
  const allowed = `Use one of ${quoteList(QUESTION_TYPES)}.`;
  if (type === undefined) return `missing required property "type". Add it. ${allowed}`;

  const suggestion = typeof type === 'string' ? closestMatch(type, QUESTION_TYPES) : undefined;
  const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  return `unknown question type ${quoteValue(type)}.${hint} ${allowed}`;
}

export const questionSchema = z.discriminatedUnion(
  'type',
  [choiceQuestionSchema, numberQuestionSchema, npsQuestionSchema, yesNoQuestionSchema, textQuestionSchema],
  { error: questionTypeMessage },
);
