import type { ChoiceOption } from '../../surveys/choice-option.ts';
import type { OtherAnswer } from './answer-result.ts';
import { normalizeForMatching } from './normalize.ts';

/**
 * Finds the choice that a whole reply names: by its number ("2", "#2", "٢"), or by its
 * label or an alias, ignoring case, accents, quote style, spacing and surrounding
 * punctuation. A number picks the choice at that position first. The survey schema
 * rejects labels and aliases that read as another choice's number, so the two ways
 * never disagree.
 */
export function findChoice(options: readonly ChoiceOption[], reply: string): ChoiceOption | undefined {
  const normalized = normalizeForMatching(reply);
  if (normalized === '') return undefined;

  if (/^[0-9]+$/.test(normalized)) {
    const byNumber = options[Number(normalized) - 1];
    if (byNumber !== undefined) return byNumber;
  }
  return options.find((option) => [option.label, ...option.aliases].some((key) => normalizeForMatching(key) === normalized));
}

/**
 * Splits a reply such as "other: my cousin" at its first colon (ASCII or full-width),
 * returning the text before it and the trimmed text after it.
 */
export function splitAtColon(reply: string): { before: string; text: string } | undefined {
  const colon = reply.search(/[:\uFF1A]/);
  if (colon < 0) return undefined;
  return { before: reply.slice(0, colon), text: reply.slice(colon + 1).trim() };
}

/** The answer that picking `option` stores: its value, or `{ value, text }` for a choice marked `other`. */
export function choiceAnswer(option: ChoiceOption, text = ''): string | OtherAnswer {
  return option.other ? { value: option.value, text } : option.value;
}
