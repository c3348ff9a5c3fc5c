import { trimEdges } from '../trim-edges.ts';

const APOSTROPHE_VARIANTS = /[\u2018\u2019\u201A\u201B\u2032\u00B4\u0060]/g;
const QUOTE_VARIANTS = /[\u201C\u201D\u201E\u201F\u2033]/g;
const DASH_VARIANTS = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;
const DECIMAL_DIGIT = /\p{Nd}/gu;
const NONSPACING_MARKS = /\p{Mn}/gu;
// Zero-width spaces, joiners, bidi marks and a stray BOM are invisible in a reply.
const FORMAT_CHARACTERS = /\p{Cf}/gu;
const NON_ALPHANUMERIC = /[^\p{L}\p{N}]/u;

/**
 * Replaces every decimal digit of any script (Arabic-Indic "٣", Devanagari "३", ...)
 * with its ASCII digit, so "٣" becomes "3".
 *
 * The Unicode Standard (section 4.6, Numeric Value) encodes decimal digits in contiguous
 * runs of ten, from 0 to 9, so a digit's value is its distance from the start of its
 * run, modulo 10 where runs sit back to back.
 */
export function foldDecimalDigits(text: string): string {
  return text.replace(DECIMAL_DIGIT, (digit) => {
    const codePoint = digit.codePointAt(0)!;
    if (codePoint <= 0x39) {
      return digit;
    }

    let runStart = codePoint;
    while (/\p{Nd}/u.test(String.fromCodePoint(runStart - 1))) {
      runStart -= 1;
    }
    return String((codePoint - runStart) % 10);
  });
}

/**
 * Reduces a reply or an option label to the form used to compare them, so that
 * "  Don’t KNOW!! " and "don't know" both become "don't know". The steps are NFKC (so
 * full-width "２" is "2"), ASCII digits, lower case, and accents stripped (NFD, then
 * combining marks removed). Curly quotes and long dashes become straight, invisible format
 * characters go, whitespace collapses to single spaces, and punctuation or symbols at
 * either end are removed.
 *
 * The result is only for comparing, never for showing to a person.
 */
export function normalizeForMatching(text: string): string {
  const straightened = text
    .replace(APOSTROPHE_VARIANTS, "'")
    .replace(QUOTE_VARIANTS, '"')
    .replace(DASH_VARIANTS, '-');

  const unaccented = foldDecimalDigits(straightened.normalize('NFKC'))
    .toLowerCase()
    .normalize('NFD')
    .replace(NONSPACING_MARKS, '')
    .replace(FORMAT_CHARACTERS, '');

  return trimEdges(unaccented.replace(/\s+/gu, ' '), NON_ALPHANUMERIC);
}
