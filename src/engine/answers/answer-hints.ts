import { describeExpectedChoiceWithOther } from './parse-choice.ts';
import { describeExpectedDate, MONTH_NAMES, type DateOrder } from './parse-date.ts';
import { describeExpectedChoices } from './parse-multi.ts';
import { describeExpectedNumber } from './parse-number.ts';

/** A date that a reply named but that does not exist, such as 31 February. `year` is undefined when the hint names no year. */
export interface MissingDate {
  day: number;
  /** 1 to 12. */
  month: number;
  year: number | undefined;
}

/**
 * The hints sent before a question is asked again after an invalid reply, in one
 * language. The parsers take them as an option, so that the hint is in the
 * respondent's language.
 */
export interface AnswerHints {
  /** A choice or language question, whose choices are numbered from 1 to `count`. */
  choice(count: number): string;
  /** A choice question with a choice marked `other`, whose label is `otherLabel`. */
  choiceWithOther(count: number, otherLabel: string): string;
  /** A multi question. `otherLabel` is the label of its choice marked `other`, if it has one. */
  multi(count: number, minChoices: number, maxChoices: number, otherLabel: string | undefined): string;
  number(min: number | undefined, max: number | undefined, integer: boolean): string;
  nps(): string;
  rating(min: number, max: number): string;
  yesNo(): string;
  text(): string;
  date(order: DateOrder): string;
  /** A reply that names a date that does not exist: the date, then the date hint. */
  noSuchDate(date: MissingDate, order: DateOrder): string;
}

/** The language a reply is read in: its BCP 47 tag, which decides the words read, and the hints sent back. */
export interface ReplyLanguage {
  language: string;
  hints: AnswerHints;
}

/** The hints in English, which parseAnswer uses unless it is given others. */
export const ENGLISH_ANSWER_HINTS: AnswerHints = {
  choice: (count) => `Please reply with a number from 1 to ${count}.`,
  choiceWithOther: describeExpectedChoiceWithOther,
  multi: describeExpectedChoices,
  number: describeExpectedNumber,
  nps: () => 'Please reply with a number from 0 to 10.',
  rating: (min, max) => describeExpectedNumber(min, max, true),
  yesNo: () => 'Please reply YES or NO.',
  text: () => 'Please reply with a text message.',
  date: describeExpectedDate,
  noSuchDate: ({ day, month, year }, order) => {
    const named = [String(day), MONTH_NAMES[month - 1], ...(year === undefined ? [] : [String(year)])].join(' ');
    return `There is no ${named}. ${describeExpectedDate(order)}`;
  },
};
