import { z } from 'zod';
import { normalizeForMatching } from '../engine/answers/normalize.ts';
import { classifyKeyword, normalizeKeyword } from '../engine/keywords.ts';
import { EVEN_WITH_ITEM_ERRORS, nonEmptyText } from './schema-helpers.ts';
import { quoteValue } from './validation-messages.ts';

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

export const choicesSchema = z
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
