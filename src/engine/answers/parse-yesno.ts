import { primaryLanguage } from '../../language-tags.ts';
import type { YesNoQuestion } from '../../surveys/survey-schema.ts';
import type { ReplyLanguage } from './answer-hints.ts';
import type { AnswerResult } from './answer-result.ts';
import { normalizeForMatching } from './normalize.ts';

// Whole replies only, after normalizing and reading inner punctuation as a space:
// "Yes!" and "no, thanks" count, but "yes and no" is neither.
// Digits are not accepted: "1" and "2" could mean options in a list as easily as yes and no.
const YES_REPLIES = new Set(['yes', 'y', 'yeah', 'yea', 'yep', 'yup', 'ya', 'yes please', 'sure', 'ok', 'okay', 'of course', 'true']);
const NO_REPLIES = new Set(['no', 'n', 'nope', 'nah', 'no thanks', 'no thank you', 'not really', 'false']);

// Spanish replies, written without accents because matching strips them ("sí" is "si").
// A Spanish respondent may also answer in English, as with "ok", so both sets apply.
const SPANISH_YES_REPLIES = new Set(['si', 's', 'sip', 'si por favor', 'claro', 'claro que si', 'vale', 'de acuerdo', 'por supuesto', 'cierto', 'verdadero']);
const SPANISH_NO_REPLIES = new Set(['no', 'n', 'nop', 'no gracias', 'para nada', 'claro que no', 'falso']);

/**
 * Reads yes or no and its common synonyms, ignoring case, accents and surrounding
 * punctuation: English words, and Spanish ones too when `language` is Spanish.
 */
export function parseYesNoAnswer(_question: YesNoQuestion, body: string, { language, hints }: ReplyLanguage): AnswerResult {
  const reply = normalizeForMatching(body).replace(/[^\p{L}\p{N}]+/gu, ' ');
  const spanish = primaryLanguage(language) === 'es';

  if (YES_REPLIES.has(reply) || (spanish && SPANISH_YES_REPLIES.has(reply))) return { ok: true, value: true };
  if (NO_REPLIES.has(reply) || (spanish && SPANISH_NO_REPLIES.has(reply))) return { ok: true, value: false };
  return { ok: false, expected: hints.yesNo() };
}
