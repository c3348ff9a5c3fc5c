import { z } from 'zod';
import { normalizeForMatching } from '../engine/answers/normalize.ts';
import { classifyKeyword, normalizeKeyword } from '../engine/keywords.ts';
import { EVEN_WITH_ITEM_ERRORS, nonEmptyText, strictObject, translatable } from './schema-helpers.ts';
import { quoteValue, quoteValueWithType } from './validation-messages.ts';

const MIN_CHOICES = 2;
const MAX_CHOICES = 9;

function arrayLength(input: unknown): number {
  return Array.isArray(input) ? input.length : 0;
}

/** A text that picks a choice when a reply matches it: the choice's label or one of its aliases. */
interface ChoiceKey {
  text: string;
  /** Path of the text within the choices list. */
  path: (string | number)[];
  choiceIndex: number;
  /** Label of the choice that the key belongs to. */
  label: string;
  isAlias: boolean;
}

/**
 * Lists the labels and aliases of choices that may still hold raw JSON, skipping what is
 * not text, since the item schema already reports it.
 */
function listChoiceKeys(choices: readonly unknown[]): ChoiceKey[] {
  const keys: ChoiceKey[] = [];

  choices.forEach((choice, choiceIndex) => {
    if (typeof choice === 'string') {
      keys.push({ text: choice, path: [choiceIndex], choiceIndex, label: choice, isAlias: false });
      return;
    }
    if (!isPlainObject(choice) || typeof choice.label !== 'string') return;

    const { label, aliases } = choice;
    keys.push({ text: label, path: [choiceIndex, 'label'], choiceIndex, label, isAlias: false });
    if (!Array.isArray(aliases)) return;
    aliases.forEach((alias: unknown, aliasIndex) => {
      if (typeof alias === 'string') keys.push({ text: alias, path: [choiceIndex, 'aliases', aliasIndex], choiceIndex, label, isAlias: true });
    });
  });
  return keys.filter((key) => /\S/.test(key.text));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names a key in a message: `choice "Yes"`, or `alias "yeah" of choice "Yes"`. */
function describeKey(key: ChoiceKey): string {
  return key.isAlias ? `alias ${quoteValue(key.text)} of choice ${quoteValue(key.label)}` : `choice ${quoteValue(key.text)}`;
}

/** Rejects choices that a reply could not tell apart, by label, alias or option number. */
function checkChoicesAreDistinct(choices: unknown[], context: z.core.$RefinementCtx<unknown[]>): void {
  const firstByNormalized = new Map<string, ChoiceKey>();
  const labels = choices.map((choice) => (typeof choice === 'string' ? choice : isPlainObject(choice) ? choice.label : undefined));

  for (const key of listChoiceKeys(choices)) {
    const { text, choiceIndex } = key;
    const normalized = normalizeForMatching(text);

    // A reply that is a number picks the option at that position, never a label or alias that reads as a number.
    const position = /^[0-9]+$/.test(normalized) ? Number(normalized) : undefined;
    if (position !== undefined && position >= 1 && position <= choices.length && position !== choiceIndex + 1) {
      const fix = key.isAlias ? 'Remove the alias or reword it.' : `Move it to position ${position} or reword it.`;
      context.addIssue({
        code: 'custom',
        path: key.path,
        input: text,
        message:
          `${describeKey(key)} is option ${choiceIndex + 1}, but a reply of "${position}" picks option ${position} (${quoteValue(labels[position - 1])}). ${fix}`,
      });
    }

    const first = firstByNormalized.get(normalized);
    if (first === undefined) {
      firstByNormalized.set(normalized, key);
      continue;
    }
    // An alias that repeats its own choice's label is redundant but harmless.
    if (first.choiceIndex === choiceIndex) continue;

    context.addIssue({
      code: 'custom',
      path: key.path,
      input: text,
      message:
        `${describeKey(key)} is the same as ${first.isAlias ? describeKey(first) : quoteValue(first.text)} when case, accents and punctuation are ignored, ` +
        'so a reply could not tell them apart. Reword or remove one of them.',
    });
  }
}

/**
 * Rejects two choices that store the same value, because their answers would look the
 * same. Labels that are the same are left to checkChoicesAreDistinct.
 */
function checkValuesAreDistinct(choices: unknown[], context: z.core.$RefinementCtx<unknown[]>): void {
  const firstByValue = new Map<string, { label: string; explicit: boolean }>();

  choices.forEach((choice, index) => {
    const label = typeof choice === 'string' ? choice : isPlainObject(choice) ? choice.label : undefined;
    const explicit = isPlainObject(choice) && choice.value !== undefined;
    const value = explicit ? (choice as Record<string, unknown>).value : label;
    if (typeof label !== 'string' || typeof value !== 'string') return;

    const first = firstByValue.get(value);
    if (first === undefined) {
      firstByValue.set(value, { label, explicit });
      return;
    }
    if (!explicit && !first.explicit) return;

    context.addIssue({
      code: 'custom',
      path: explicit ? [index, 'value'] : typeof choice === 'string' ? [index] : [index, 'label'],
      input: value,
      message:
        `choice ${quoteValue(label)} stores the value ${quoteValue(value)}, which choice ${quoteValue(first.label)} already stores. ` +
        'Give each choice its own value, because an answer stores only the value.',
    });
  });
}

/** Rejects a second choice marked `other`, because a reply that matches no choice can go to only one. */
function checkOneOtherChoice(choices: unknown[], context: z.core.$RefinementCtx<unknown[]>): void {
  let first: string | undefined;

  choices.forEach((choice, index) => {
    if (!isPlainObject(choice) || choice.other !== true) return;
    const label = typeof choice.label === 'string' ? choice.label : `option ${index + 1}`;
    if (first === undefined) {
      first = label;
      return;
    }
    context.addIssue({
      code: 'custom',
      path: [index, 'other'],
      input: true,
      message: `choice ${quoteValue(label)} is a second choice with "other": true, after ${quoteValue(first)}. Keep "other" on one choice only, because free text goes to that choice.`,
    });
  });
}

const KEYWORD_EFFECT = {
  'opt-out': 'unsubscribes the respondent and ends the survey',
  'opt-in': 'sends the opt-in confirmation and repeats the question',
  help: 'sends the help text and repeats the question',
} as const;

/**
 * Rejects labels and aliases whose whole text is an opt-out, opt-in or help keyword,
 * because keywords are read before any answer. YES is allowed here: it opts back in only
 * a respondent who opted out, so during a survey it is read as the choice.
 */
function checkChoicesAreNotKeywords(choices: unknown[], context: z.core.$RefinementCtx<unknown[]>): void {
  for (const key of listChoiceKeys(choices)) {
    const { text, choiceIndex } = key;
    const kind = classifyKeyword(text);
    if (kind === undefined || kind === 'yes') continue;

    const fix = key.isAlias
      ? 'Remove the alias.'
      : `Reword the choice so that it is not a keyword on its own (a reply of "${choiceIndex + 1}" still picks it).`;
    context.addIssue({
      code: 'custom',
      path: key.path,
      input: text,
      message:
        `${describeKey(key)} is the ${kind} keyword ${normalizeKeyword(text)}, which is read before any answer, so replying ${quoteValue(text)} ${KEYWORD_EFFECT[kind]} ` +
        `instead of picking this choice. ${fix}`,
    });
  }
}

const choiceObjectSchema = strictObject('a choice', {
  label: translatable(nonEmptyText('choice label').describe('The choice as listed in the question. A reply picks it by this text or by its number.')),
  value: nonEmptyText('choice value').optional().describe('What an answer stores when this choice is picked, such as "y". Default: the label.'),
  aliases: translatable(
    z.array(nonEmptyText('alias'), {
      error: (issue) => (issue.input === undefined ? undefined : `expected the aliases as a list in square brackets, such as ["Y", "yeah"], got ${quoteValueWithType(issue.input)}.`),
    }),
    { list: true },
  )
    .optional()
    .describe('Other replies that pick this choice, matched like the label, such as ["Y", "yeah"].'),
  other: z
    .boolean()
    .optional()
    .describe(
      'Whether this choice also takes free text, as in "other: my cousin". In a choice question, a reply that picks no choice, with a letter and no digit, is taken as its text too. The answer stores { "value": ..., "text": ... }.',
    ),
});

/**
 * Builds the error for a choice that is neither text nor a valid object. zod reports such
 * an object as a failed union, so the message repeats the object's own problems, each
 * with its path inside the choice.
 */
function choiceTypeMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;

  const objectIssues = isPlainObject(issue.input) ? (issue.errors[1] ?? []) : [];
  if (objectIssues.length > 0) {
    const messages = objectIssues.map(({ path, message }) =>
      path.length === 0 || message.startsWith('missing required') ? message : `in ${formatPathInChoice(path)}: ${message}`,
    );
    return messages.map((message, index) => (index === 0 ? message : message[0]!.toUpperCase() + message.slice(1))).join(' ');
  }
  return `expected a choice as text in double quotes, such as "Yes", or as an object such as { "label": "Yes", "value": "y" }, got ${quoteValueWithType(issue.input)}.`;
}

/** Formats a path inside one choice object, such as `.aliases[0]`. */
function formatPathInChoice(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`)).join('');
}

const choiceSchema = z.union([nonEmptyText('choice'), choiceObjectSchema], { error: choiceTypeMessage });

export const choicesSchema = z
  .array(choiceSchema)
  .min(MIN_CHOICES, {
    error: (issue) => `expected at least ${MIN_CHOICES} choices, got ${arrayLength(issue.input)}. Add another choice.`,
  })
  .max(MAX_CHOICES, {
    error: (issue) =>
      `expected at most ${MAX_CHOICES} choices, got ${arrayLength(issue.input)}. Remove ${arrayLength(issue.input) - MAX_CHOICES}, because a reply picks a choice by a single digit.`,
  })
  .superRefine(checkChoicesAreDistinct, EVEN_WITH_ITEM_ERRORS)
  .superRefine(checkChoicesAreNotKeywords, EVEN_WITH_ITEM_ERRORS)
  .superRefine(checkValuesAreDistinct, EVEN_WITH_ITEM_ERRORS)
  .superRefine(checkOneOtherChoice, EVEN_WITH_ITEM_ERRORS)
  .describe(
    '2 to 9 options, sent numbered from 1 below the question text. Each is its label as text, or an object with a label and an optional value, aliases and "other". A reply picks one by its number, label or alias, ignoring case, accents and punctuation.',
  );
