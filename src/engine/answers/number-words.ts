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
 * Replaces English number words from zero to one hundred with digits, so "about
 * twenty-one years" becomes "about 21 years". Ordinals such as "third" stay words.
 * Larger numbers are not joined, so "two hundred" becomes "2 100", which reads as two numbers.
 */
export function replaceNumberWords(text: string): string {
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
