import { primaryLanguage } from '../../language-tags.ts';
import { type ChoiceOption, toChoiceOption } from '../../surveys/choice-option.ts';
import type { MultiQuestion } from '../../surveys/survey-schema.ts';
import { trimEdges } from '../trim-edges.ts';
import type { ReplyLanguage } from './answer-hints.ts';
import type { AnswerResult } from './answer-result.ts';
import { choiceAnswer, splitAtColon } from './choice-matching.ts';
import { normalizeForMatching } from './normalize.ts';

// Commas (Latin, Arabic and ideographic), semicolons, "&", "+" and "/" separate choices, as
// do spaces. NFKC in normalizeForMatching has already made full-width forms ASCII.
const SEPARATORS = /[\s,;&+/\u060C\u3001]+/u;
const NON_ALPHANUMERIC = /[^\p{L}\p{N}]/u;
// Words that join choices without naming one, as in "1 and 3" or "1 y 3", by primary
// language. The English ones are read in every language, so "1 and 3" also works in a
// Spanish session. Spanish writes "e" for "y" before an "i" sound ("pesas e idiomas").
const ENGLISH_CONNECTORS = ['and'];
const CONNECTORS_BY_LANGUAGE: Readonly<Record<string, readonly string[]>> = { es: ['y', 'e'] };
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** Splits text into the words that multi replies and choice labels are compared by. */
function toWords(text: string): string[] {
  return normalizeForMatching(text)
    .split(SEPARATORS)
    .map((word) => trimEdges(word, NON_ALPHANUMERIC))
    .filter((word) => word !== '');
}

/** The choices a reply picked, in the order it named them, and the words that named none. */
interface ReadChoices {
  picked: number[];
  unknown: string[];
}

/**
 * Reads the choices a reply names, word by word. At each word the longest label or alias
 * that starts there wins, so "rock and roll" picks that choice rather than "rock" and
 * "roll". A word of digits alone picks the choice at that position.
 */
function readChoices(options: readonly ChoiceOption[], reply: string, connectors: ReadonlySet<string>): ReadChoices {
  const indexByKey = new Map<string, number>();
  let longestKey = 1;
  options.forEach((option, index) => {
    for (const key of [option.label, ...option.aliases]) {
      const words = toWords(key);
      if (words.length === 0) continue;
      indexByKey.set(words.join(' '), index);
      longestKey = Math.max(longestKey, words.length);
    }
  });

  const words = toWords(reply);
  const picked: number[] = [];
  const unknown: string[] = [];

  for (let start = 0; start < words.length; ) {
    let matched = false;
    for (let length = Math.min(longestKey, words.length - start); length >= 1; length--) {
      const index = indexByKey.get(words.slice(start, start + length).join(' '));
      if (index === undefined) continue;
      picked.push(index);
      start += length;
      matched = true;
      break;
    }
    if (matched) continue;

    const word = words[start]!;
    const position = /^[0-9]+$/.test(word) ? Number(word) : undefined;
    if (position !== undefined && position >= 1 && position <= options.length) {
      picked.push(position - 1);
    } else if (!connectors.has(word)) {
      unknown.push(word);
    }
    start += 1;
  }
  return { picked, unknown };
}

/**
 * Builds the re-ask hint of a multi question, such as "Please reply with one or more
 * numbers from 1 to 5, such as 1, 3.".
 */
export function describeExpectedChoices(count: number, minChoices: number, maxChoices: number, otherLabel?: string): string {
  let amount: string;
  if (minChoices === maxChoices) amount = `${minChoices} ${minChoices === 1 ? 'number' : 'numbers'}`;
  else if (minChoices === 1 && maxChoices === count) amount = 'one or more numbers';
  else if (minChoices === 1) amount = `up to ${maxChoices} numbers`;
  else if (maxChoices === count) amount = `at least ${minChoices} numbers`;
  else amount = `${minChoices} to ${maxChoices} numbers`;

  const hint = `Please reply with ${amount} from 1 to ${count}, such as ${exampleChoices(count, minChoices, maxChoices)}.`;
  return otherLabel === undefined ? hint : `${hint} To add your own answer, write "${otherLabel}: " before it.`;
}

/**
 * Writes an example reply for a multi question's hint, such as "1, 3": two choices
 * (minChoices if that is more, maxChoices if less), spread out where they fit.
 */
export function exampleChoices(count: number, minChoices: number, maxChoices: number): string {
  const size = Math.min(Math.max(minChoices, 2), maxChoices);
  const spread = 2 * size - 1 <= count;
  return Array.from({ length: size }, (_, index) => (spread ? 2 * index + 1 : index + 1)).join(', ');
}

/** Returns the words that join choices in `language`: the English ones, and its own when it has them. */
function connectorsFor(language: string): Set<string> {
  return new Set([...ENGLISH_CONNECTORS, ...(CONNECTORS_BY_LANGUAGE[primaryLanguage(language)] ?? [])]);
}

/**
 * Reads the choices of a multi question: numbers, labels and aliases in any mix, separated
 * by commas, spaces, "&", "and" and the like ("1,3", "1 3", "1 and 3", "1, 3 & 4",
 * "search, a friend"), and in Spanish also "y" and "e" ("1 y 4", "pesas y piscina"). A
 * label or alias that contains such a word still matches whole. A choice named twice counts once. The value lists the picked
 * choices' values in option order, whatever order the reply named them in.
 *
 * A reply with a word that names no choice, such as "7" on a five-choice question, is
 * asked again, and so is one that picks fewer than minChoices or more than maxChoices.
 *
 * A choice marked `other` takes free text as in a choice question: "1, 3, other: my
 * cousin", where the other choice is named last before the colon, or a whole reply that
 * names no choice, has a letter and has no digit.
 */
export function parseMultiAnswer(question: MultiQuestion, body: string, { language, hints }: ReplyLanguage): AnswerResult {
  const options = question.choices.map(toChoiceOption);
  const connectors = connectorsFor(language);
  const { minChoices = 1, maxChoices = options.length } = question;
  const other = options.find((option) => option.other);
  const invalid: AnswerResult = { ok: false, expected: hints.multi(options.length, minChoices, maxChoices, other?.label) };

  const answer = (picked: readonly number[], otherText = ''): AnswerResult => {
    const distinct = [...new Set(picked)].sort((a, b) => a - b);
    if (distinct.length < minChoices || distinct.length > maxChoices) return invalid;
    return { ok: true, value: distinct.map((index) => choiceAnswer(options[index]!, otherText)) };
  };

  const whole = readChoices(options, body, connectors);
  if (whole.unknown.length === 0 && whole.picked.length > 0) return answer(whole.picked);
  if (other === undefined) return invalid;

  const split = splitAtColon(body);
  if (split !== undefined) {
    const before = readChoices(options, split.before, connectors);
    if (before.unknown.length === 0 && options[before.picked.at(-1) ?? -1] === other) return answer(before.picked, split.text);
  }
  if (whole.picked.length === 0 && LETTER.test(body) && !DIGIT.test(body)) {
    return answer([options.indexOf(other)], body.trim());
  }
  return invalid;
}
