import { isGsm7Character } from './segments.ts';

/** A typographic character outside GSM-7, with the GSM-7 text that can stand in for it. */
export interface GsmEquivalent {
  replacement: string;
  /** The character's Unicode name. */
  name: string;
}

/**
 * Curly quotes, long dashes, the ellipsis and non-breaking spaces. Editors and word
 * processors insert them in place of their ASCII forms, and any one of them makes a
 * whole message UCS-2, which fits 70 characters per segment instead of 160.
 */
export const GSM_EQUIVALENTS: ReadonlyMap<string, GsmEquivalent> = new Map([
  ['\u2018', { replacement: "'", name: 'LEFT SINGLE QUOTATION MARK' }],
  ['\u2019', { replacement: "'", name: 'RIGHT SINGLE QUOTATION MARK' }],
  ['\u201A', { replacement: "'", name: 'SINGLE LOW-9 QUOTATION MARK' }],
  ['\u201B', { replacement: "'", name: 'SINGLE HIGH-REVERSED-9 QUOTATION MARK' }],
  ['\u201C', { replacement: '"', name: 'LEFT DOUBLE QUOTATION MARK' }],
  ['\u201D', { replacement: '"', name: 'RIGHT DOUBLE QUOTATION MARK' }],
  ['\u201E', { replacement: '"', name: 'DOUBLE LOW-9 QUOTATION MARK' }],
  ['\u201F', { replacement: '"', name: 'DOUBLE HIGH-REVERSED-9 QUOTATION MARK' }],
  ['\u2012', { replacement: '-', name: 'FIGURE DASH' }],
  ['\u2013', { replacement: '-', name: 'EN DASH' }],
  ['\u2014', { replacement: '-', name: 'EM DASH' }],
  ['\u2015', { replacement: '-', name: 'HORIZONTAL BAR' }],
  ['\u2026', { replacement: '...', name: 'HORIZONTAL ELLIPSIS' }],
  ['\u00A0', { replacement: ' ', name: 'NO-BREAK SPACE' }],
  ['\u2007', { replacement: ' ', name: 'FIGURE SPACE' }],
  ['\u202F', { replacement: ' ', name: 'NARROW NO-BREAK SPACE' }],
]);

/** Matches every character that has an entry in GSM_EQUIVALENTS. */
export const GSM_EQUIVALENT_PATTERN = new RegExp(`[${[...GSM_EQUIVALENTS.keys()].join('')}]`, 'g');

/**
 * Formats a character (a grapheme cluster) for a message as its code points, and its name when known:
 * `"’" (U+2019 RIGHT SINGLE QUOTATION MARK)`.
 */
export function describeCharacter(character: string): string {
  const codePoints = [...character].map((codePoint) => `U+${codePoint.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
  const name = GSM_EQUIVALENTS.get(character)?.name;
  return `${JSON.stringify(character)} (${name === undefined ? codePoints : `${codePoints} ${name}`})`;
}

/** A grapheme cluster of a text that GSM-7 cannot encode. */
export interface Ucs2Character {
  /** UTF-16 index of the cluster in the text. */
  index: number;
  character: string;
  /**
   * GSM-7 text that can stand in for the character: an equivalent from GSM_EQUIVALENTS,
   * the composed form of a decomposed letter, or "" for a symbol, emoji or invisible
   * character that can be left out. Undefined for a letter or digit that GSM-7 lacks,
   * because such text needs UCS-2 whatever is done to the punctuation around it.
   */
  replacement: string | undefined;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Lists the grapheme clusters of `text` that GSM-7 cannot encode, in order. */
export function findUcs2Characters(text: string): Ucs2Character[] {
  const found: Ucs2Character[] = [];

  for (const { segment, index } of graphemes.segment(text)) {
    if ([...segment].every(isGsm7Character)) continue;
    found.push({ index, character: segment, replacement: gsm7Replacement(segment) });
  }
  return found;
}

function gsm7Replacement(character: string): string | undefined {
  const equivalent = GSM_EQUIVALENTS.get(character);
  if (equivalent !== undefined) return equivalent.replacement;

  // An "e" followed by a combining acute accent composes to "é", which GSM-7 has.
  const composed = character.normalize('NFC');
  if ([...composed].every(isGsm7Character)) return composed;

  return LETTER_OR_DIGIT.test(character) ? undefined : '';
}
