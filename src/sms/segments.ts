/** The two SMS alphabets: 7-bit GSM 03.38, or UCS-2 when any character is outside it. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
}

// GSM 03.38 basic character set, without the escape code 0x1B, which is not a character.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Characters of the extension table, each sent as the escape code plus one septet.
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

// A single segment fits 160 septets or 70 UCS-2 code units. A segment of a longer
// message loses room to the concatenation header: 153 septets or 67 code units.
const GSM_SINGLE = 160;
const GSM_MULTI = 153;
const UCS2_SINGLE = 70;
const UCS2_MULTI = 67;

/** Returns whether one character (a code point) can be sent in GSM-7, from the basic or the extension table. */
export function isGsm7Character(character: string): boolean {
  return GSM_BASIC.has(character) || GSM_EXTENSION.has(character);
}

/**
 * Counts the SMS segments of a message body. Characters are packed greedily, and a
 * character that takes two units (a GSM extension character, or a UTF-16 surrogate
 * pair) is never split across segments.
 *
 * @example countSegments('€'.repeat(81)) // { encoding: 'GSM-7', segments: 2 }: 162 septets
 */
export function countSegments(body: string): SegmentCount {
  const characters = [...body];
  const isGsm = characters.every(isGsm7Character);

  if (isGsm) {
    const units = characters.map((character) => (GSM_EXTENSION.has(character) ? 2 : 1));
    return { encoding: 'GSM-7', segments: packSegments(units, GSM_SINGLE, GSM_MULTI) };
  }
  const units = characters.map((character) => character.length);
  return { encoding: 'UCS-2', segments: packSegments(units, UCS2_SINGLE, UCS2_MULTI) };
}

function packSegments(units: number[], singleLimit: number, multiLimit: number): number {
  const total = units.reduce((sum, size) => sum + size, 0);
  if (total <= singleLimit) return 1;

  let segments = 1;
  let used = 0;
  for (const size of units) {
    if (used + size > multiLimit) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return segments;
}
