import { primaryLanguage } from '../../language-tags.ts';
import type { NpsQuestion, NumberQuestion, RatingQuestion } from '../../surveys/survey-schema.ts';
import type { ReplyLanguage } from './answer-hints.ts';
import type { AnswerResult } from './answer-result.ts';
import { foldDecimalDigits } from './normalize.ts';
import { replaceNumberWords } from './number-words.ts';

const ARABIC_DECIMAL_SEPARATOR = /\u066B/g;
const ARABIC_THOUSANDS_SEPARATOR = /\u066C/g;
const DASH_VARIANTS = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;

// Digits with comma thousands groups ("1,000") or without, then an optional decimal part,
// or a bare decimal part (".5"). A comma in any other place separates two numbers.
const NUMBER_TOKEN = /[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?|[+-]?\.[0-9]+/g;
const LETTER = /\p{L}/u;

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });

export interface SingleNumberOptions {
  /** A scale's top value: a trailing "/10" or "out of 10" after the number is then ignored. */
  outOf?: number | undefined;
  /** The respondent's BCP 47 language, which decides the number words read. Default: English. */
  language?: string | undefined;
}

// The words between a number and its scale: "8/10", "8 out of 10", and in Spanish "8 de 10" or "8 sobre 10".
const SCALE_WORDS = { en: '/|out of', es: '/|out of|(?<!\\p{L})(?:de|sobre)' };

/**
 * Returns the one number in a reply, or undefined when the reply has none or several.
 *
 * Words around the number are allowed, so "about 30 years" is 30 and "$20" is 20. A
 * number joined to letters ("5k", "2nd", "1e3") is unreadable, and ranges ("1-5"),
 * alternatives ("4 or 5") and European decimal commas ("3,5") count as several numbers.
 * Digits of any script count ("٣" is 3), as do full-width forms ("２") and number words
 * from zero to one hundred: English ("twenty one" is 21), or Spanish ("veintiuno") when
 * `language` is Spanish.
 */
export function parseSingleNumber(text: string, { outOf, language = 'en' }: SingleNumberOptions = {}): number | undefined {
  let reply = replaceNumberWords(foldDecimalDigits(text.normalize('NFKC')), language)
    .replace(ARABIC_DECIMAL_SEPARATOR, '.')
    .replace(ARABIC_THOUSANDS_SEPARATOR, ',')
    .replace(DASH_VARIANTS, '-');

  if (outOf !== undefined) {
    const scale = String(outOf).replace('.', '\\.');
    // The lookbehind starts a match only where a run of spaces starts, so a long run is scanned once, not once per space.
    const words = primaryLanguage(language) === 'es' ? SCALE_WORDS.es : SCALE_WORDS.en;
    reply = reply.replace(new RegExp(`(?<!\\s)\\s*(?:${words})\\s*${scale}(?=[^\\p{L}\\p{N}]*$)`, 'iu'), '');
  }

  const tokens = [...reply.matchAll(NUMBER_TOKEN)];
  if (tokens.length !== 1) return undefined;

  const token = tokens[0]!;
  const before = reply[token.index - 1] ?? '';
  const after = reply[token.index + token[0].length] ?? '';
  if (LETTER.test(before) || LETTER.test(after)) return undefined;

  const value = Number(token[0].replaceAll(',', ''));
  if (!Number.isFinite(value)) return undefined;
  return value === 0 ? 0 : value; // Turns "-0" into 0.
}

/** Builds the re-ask hint for a number question, such as "Please reply with a whole number from 1 to 120.". */
export function describeExpectedNumber(min: number | undefined, max: number | undefined, integer: boolean): string {
  const kind = integer ? 'a whole number' : 'a number';

  if (min !== undefined && max !== undefined) {
    return `Please reply with ${kind} from ${numberFormat.format(min)} to ${numberFormat.format(max)}.`;
  }
  if (min !== undefined) return `Please reply with ${kind} of ${numberFormat.format(min)} or more.`;
  if (max !== undefined) return `Please reply with ${kind} of ${numberFormat.format(max)} or less.`;
  return `Please reply with ${kind}.`;
}

function parseBoundedNumber(
  body: string,
  { min, max, integer }: { min: number | undefined; max: number | undefined; integer: boolean },
  expected: string,
  language: string,
): AnswerResult {
  const value = parseSingleNumber(body, { outOf: max, language });

  // Out-of-range answers are asked again, never clamped, so a typo cannot become a real answer.
  const valid =
    value !== undefined &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max);

  if (!valid) return { ok: false, expected };
  return { ok: true, value };
}

/** Reads one number within the question's bounds; see parseSingleNumber for what counts as one number. */
export function parseNumberAnswer(question: NumberQuestion, body: string, { language, hints }: ReplyLanguage): AnswerResult {
  const { min, max, integer } = question;
  return parseBoundedNumber(body, { min, max, integer }, hints.number(min, max, integer), language);
}

/** Reads a Net Promoter Score: a whole number from 0 to 10. */
export function parseNpsAnswer(_question: NpsQuestion, body: string, { language, hints }: ReplyLanguage): AnswerResult {
  return parseBoundedNumber(body, { min: 0, max: 10, integer: true }, hints.nps(), language);
}

/** Reads a rating: a whole number from the question's min to its max. */
export function parseRatingAnswer(question: RatingQuestion, body: string, { language, hints }: ReplyLanguage): AnswerResult {
  const { min, max } = question;
  return parseBoundedNumber(body, { min, max, integer: true }, hints.rating(min, max), language);
}
