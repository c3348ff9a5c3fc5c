import { toChoiceOption } from '../../surveys/choice-option.ts';
import type { ChoiceQuestion } from '../../surveys/survey-schema.ts';
import type { AnswerHints } from './answer-hints.ts';
import type { AnswerResult } from './answer-result.ts';
import { choiceAnswer, findChoice, splitAtColon } from './choice-matching.ts';

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/**
 * Reads a choice by its number or by its label or an alias (see findChoice). The value is
 * the choice's `value`, which is its label unless the survey file sets one.
 *
 * A question with a choice marked `other` also takes free text for it, stored as
 * `{ value, text }`. The text is what follows the colon in "other: my cousin", where the
 * part before the colon names that choice, or else a whole reply that names no choice,
 * has a letter and has no digit. A reply with a digit, such as "7" or "option 7" on a
 * four-choice question, is asked again, since it is more likely a mistyped choice number.
 */
export function parseChoiceAnswer(question: Pick<ChoiceQuestion, 'choices'>, body: string, hints: AnswerHints): AnswerResult {
  const options = question.choices.map(toChoiceOption);

  const picked = findChoice(options, body);
  if (picked !== undefined) return { ok: true, value: choiceAnswer(picked) };

  const other = options.find((option) => option.other);
  if (other === undefined) return { ok: false, expected: hints.choice(options.length) };

  const split = splitAtColon(body);
  if (split !== undefined && findChoice(options, split.before) === other) {
    return { ok: true, value: choiceAnswer(other, split.text) };
  }
  if (LETTER.test(body) && !DIGIT.test(body)) return { ok: true, value: choiceAnswer(other, body.trim()) };
  return { ok: false, expected: hints.choiceWithOther(options.length, other.label) };
}

/** Builds the re-ask hint of a question with an `other` choice, such as `Please reply with a number from 1 to 4, or with "Other: " and your own answer.`. */
export function describeExpectedChoiceWithOther(count: number, otherLabel: string): string {
  return `Please reply with a number from 1 to ${count}, or with "${otherLabel}: " and your own answer.`;
}
