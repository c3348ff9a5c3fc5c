import type { ChoiceQuestion } from '../../surveys/survey-schema.ts';
import type { AnswerResult } from './answer-result.ts';
import { normalizeForMatching } from './normalize.ts';

/**
 * Reads a choice by its option number ("2", "2.", "#2", "２") or by its text, ignoring
 * case, accents, quote style, spacing and surrounding punctuation. The value is the
 * option's label as written in the survey file.
 *
 * A number picks the option at that position first. The survey schema rejects labels
 * that read as another option's number, so the two ways never disagree.
 */
export function parseChoiceAnswer(question: ChoiceQuestion, body: string): AnswerResult {
  const { choices } = question;
  const reply = normalizeForMatching(body);

  if (/^[0-9]+$/.test(reply)) {
    const label = choices[Number(reply) - 1];
    if (label !== undefined) return { ok: true, value: label };
  }

  if (reply !== '') {
    const label = choices.find((choice) => normalizeForMatching(choice) === reply);
    if (label !== undefined) return { ok: true, value: label };
  }

  return { ok: false, expected: `Please reply with a number from 1 to ${choices.length}.` };
}
