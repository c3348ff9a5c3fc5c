import type { TextQuestion } from '../../surveys/survey-schema.ts';
import type { AnswerHints } from './answer-hints.ts';
import type { AnswerResult } from './answer-result.ts';

/**
 * Accepts any reply with visible text. The stored value is trimmed, since spaces and line
 * breaks at its ends carry no meaning. The rest is kept exactly as received.
 */
export function parseTextAnswer(_question: TextQuestion, body: string, hints: AnswerHints): AnswerResult {
  const text = body.trim();
  if (text === '') return { ok: false, expected: hints.text() };
  return { ok: true, value: text };
}
