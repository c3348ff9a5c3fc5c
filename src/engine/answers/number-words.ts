import { primaryLanguage } from '../../language-tags.ts';

const UNIT_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS_WORDS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

// "twenty one" and "twenty-one" are one number, and so are "hundred", "a hundred" and
// "one hundred". Letters or digits right before or after a word make it part of another word.
const NUMBER_WORD = new RegExp(
  '(?<![\\p{L}\\p{N}])(?:' +
    '(?<hundred>(?:(?:one|a)\\s+)?hundred)' +
    `|(?<tens>${TENS_WORDS.join('|')})(?:[\\s-]+(?<tensUnit>${UNIT_WORDS.slice(1, 10).join('|')}))?` +
    `|(?<unit>${UNIT_WORDS.join('|')})` +
    ')(?![\\p{L}\\p{N}])',
  'giu',
);

// "No one" means nobody, and "the one" or "which one" point at a thing, not at the number 1.
const NOT_A_NUMBER_BEFORE_ONE = /(?:^|[^\p{L}])(?:no|the|this|that|which|any|each|every|some)\s+$/iu;

/**
 * Replaces number words from zero to one hundred with digits: Spanish words when
 * `language` is Spanish (`es` or a regional form such as `es-MX`), and English words
 * otherwise.
 */
export function replaceNumberWords(text: string, language = 'en'): string {
  return primaryLanguage(language) === 'es' ? replaceSpanishNumberWords(text) : replaceEnglishNumberWords(text);
}

/**
 * Replaces English number words from zero to one hundred with digits, so "about
 * twenty-one years" becomes "about 21 years". Ordinals such as "third" stay words.
 * Larger numbers are not joined, so "two hundred" becomes "2 100", which reads as two numbers.
 */
function replaceEnglishNumberWords(text: string): string {
  return text.replace(NUMBER_WORD, (word: string, ...rest: unknown[]) => {
    const groups = rest.at(-1) as Record<string, string | undefined>;
    const offset = rest.at(-3) as number;

    if (groups.hundred !== undefined) return '100';
    if (groups.tens !== undefined) {
      const tens = 20 + 10 * TENS_WORDS.indexOf(groups.tens.toLowerCase());
      const unit = groups.tensUnit === undefined ? 0 : UNIT_WORDS.indexOf(groups.tensUnit.toLowerCase());
      return String(tens + unit);
    }

    const unit = groups.unit!.toLowerCase();
    if (unit === 'one' && NOT_A_NUMBER_BEFORE_ONE.test(text.slice(Math.max(0, offset - 12), offset))) return word;
    return String(UNIT_WORDS.indexOf(unit));
  });
}

// Each word from 0 to 29 is one word in Spanish; the accents are optional, as SMS often drops them.
const SPANISH_UNIT_WORDS = [
  'cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez',
  'once', 'doce', 'trece', 'catorce', 'quince', 'diecis[eé]is', 'diecisiete', 'dieciocho', 'diecinueve',
  'veinte', 'veintiuno', 'veintid[oó]s', 'veintitr[eé]s', 'veinticuatro', 'veinticinco', 'veintis[eé]is', 'veintisiete', 'veintiocho', 'veintinueve',
];
const SPANISH_TENS_WORDS = ['treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
const SPANISH_UNIT_PATTERNS = SPANISH_UNIT_WORDS.map((word) => new RegExp(`^${word}$`, 'iu'));

// "treinta y dos" is one number, and so is "cien". "un" and "una" are left out, because
// they are more often the article ("una vez") than the number.
const SPANISH_NUMBER_WORD = new RegExp(
  '(?<![\\p{L}\\p{N}])(?:' +
    '(?<hundred>cien)' +
    `|(?<tens>${SPANISH_TENS_WORDS.join('|')})(?:\\s+y\\s+(?<tensUnit>${SPANISH_UNIT_WORDS.slice(1, 10).join('|')}))?` +
    `|(?<unit>${SPANISH_UNIT_WORDS.join('|')})` +
    ')(?![\\p{L}\\p{N}])',
  'giu',
);

// "cada uno" means each one, not the number 1.
const NOT_A_NUMBER_BEFORE_UNO = /(?:^|[^\p{L}])cada\s+$/iu;

/** Replaces Spanish number words from cero to cien with digits, so "treinta y dos años" becomes "32 años". */
function replaceSpanishNumberWords(text: string): string {
  return text.replace(SPANISH_NUMBER_WORD, (word: string, ...rest: unknown[]) => {
    const groups = rest.at(-1) as Record<string, string | undefined>;
    const offset = rest.at(-3) as number;

    if (groups.hundred !== undefined) return '100';
    if (groups.tens !== undefined) {
      const tens = 30 + 10 * SPANISH_TENS_WORDS.indexOf(groups.tens.toLowerCase());
      const unit = groups.tensUnit === undefined ? 0 : spanishUnitValue(groups.tensUnit);
      return String(tens + unit);
    }

    const unit = spanishUnitValue(groups.unit!);
    if (unit === 1 && NOT_A_NUMBER_BEFORE_UNO.test(text.slice(Math.max(0, offset - 12), offset))) return word;
    return String(unit);
  });
}

function spanishUnitValue(word: string): number {
  return SPANISH_UNIT_PATTERNS.findIndex((pattern) => pattern.test(word));
}
