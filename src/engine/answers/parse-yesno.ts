import type { YesNoQuestion } from '../../surveys/survey-schema.ts';
import type { AnswerResult } from './answer-result.ts';
import { normalizeForMatching } from './normalize.ts';

// Whole replies only, after normalizing and reading inner punctuation as a space:
// "Yes!" and "no, thanks" count, but "yes and no" is neither.
// Digits are not accepted: "1" and "2" could mean options in a list as easily as yes and no.
const YES_REPLIES = new Set(['yes', 'y', 'yeah', 'yea', 'yep', 'yup', 'ya', 'yes please', 'sure', 'ok', 'okay', 'of course', 'true']);
const NO_REPLIES = new Set(['no', 'n', 'nope', 'nah', 'no thanks', 'no thank you', 'not really', 'false']);

/** Reads yes or no and its common synonyms, ignoring case, accents and surrounding punctuation. */
export function parseYesNoAnswer(_question: YesNoQuestion, body: string): AnswerResult {
  const reply = normalizeForMatching(body).replace(/[^\p{L}\p{N}]+/gu, ' ');

  if (YES_REPLIES.has(reply)) return { ok: true, value: true };
  if (NO_REPLIES.has(reply)) return { ok: true, value: false };
  return { ok: false, expected: 'Please reply YES or NO.' };
}
