import { primaryLanguage } from '../../language-tags.ts';
import type { DateQuestion } from '../../surveys/survey-schema.ts';
import type { MissingDate, ReplyLanguage } from './answer-hints.ts';
import type { AnswerResult } from './answer-result.ts';
import { foldDecimalDigits } from './normalize.ts';

/** The order of day and month in a date written with numbers only, such as 5/6/2026. */
export type DateOrder = 'DMY' | 'MDY';

/** The English month names, January first. */
export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTH_BY_WORD = new Map<string, number>(
  MONTH_NAMES.flatMap((name, index) => {
    const words = [name.toLowerCase(), name.slice(0, 3).toLowerCase()];
    if (name === 'September') words.push('sept');
    return words.map((word) => [word, index + 1] as const);
  }),
);

// Spanish month names and their usual abbreviations, "setiembre" and "set" included.
const SPANISH_MONTH_WORDS = [
  ['enero', 'ene'], ['febrero', 'feb'], ['marzo', 'mar'], ['abril', 'abr'], ['mayo', 'may'], ['junio', 'jun'],
  ['julio', 'jul'], ['agosto', 'ago'], ['septiembre', 'setiembre', 'sep', 'sept', 'set'], ['octubre', 'oct'], ['noviembre', 'nov'], ['diciembre', 'dic'],
];
// A Spanish reply may also name the month in English, as in "Dec 31", so it reads both.
const SPANISH_MONTH_BY_WORD = new Map<string, number>([
  ...MONTH_BY_WORD,
  ...SPANISH_MONTH_WORDS.flatMap((words, index) => words.map((word) => [word, index + 1] as const)),
]);

const BEFORE = '(?<![\\p{L}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{N}])';
const ORDINAL = '(?:st|nd|rd|th)?';
const GAP = '[\\s,.-]*';
const NAMED_YEAR = "(?:[\\s,.-]+(?<year>[0-9]{4}|'?[0-9]{2}))?";
// Spanish joins the parts with "de", as in "31 de diciembre de 2026".
const SPANISH_NAMED_YEAR = "(?:[\\s,.-]+(?:de\\s+)?(?<year>[0-9]{4}|'?[0-9]{2}))?";

/** Builds the regular expression that matches any of the month words, longest first, so that "june" is tried before "jun". */
function monthPattern(monthByWord: ReadonlyMap<string, number>): string {
  return [...monthByWord.keys()].sort((a, b) => b.length - a.length).join('|');
}

const MONTH = monthPattern(MONTH_BY_WORD);
const SPANISH_MONTH = monthPattern(SPANISH_MONTH_BY_WORD);

// The forms a reply may write a date in, tried anywhere in the reply.
const DATE_FORMS = {
  // 2026-12-31, 2026/12/31, 2026.12.31
  yearFirst: new RegExp(`${BEFORE}(?<year>[0-9]{4})(?<separator>[-/.])(?<month>[0-9]{1,2})\\k<separator>(?<day>[0-9]{1,2})(?![\\p{L}\\p{N}]|[-/.][0-9])`, 'gu'),
  // 31/12/2026, 31.12.26, 31-12-2026 and 31/12, with day and month in the question's order
  numeric: new RegExp(
    `(?<![\\p{L}\\p{N}]|[0-9][-/.])(?<first>[0-9]{1,2})(?<separator>[-/.])(?<second>[0-9]{1,2})(?:\\k<separator>(?<year>[0-9]{4}|[0-9]{2}))?(?![\\p{L}\\p{N}]|[-/.][0-9])`,
    'gu',
  ),
  // 31 December 2026, 31st of Dec, 31 Dec '26, 31-dec-26
  dayFirst: new RegExp(`${BEFORE}(?<day>[0-9]{1,2})${ORDINAL}${GAP}(?:of${GAP})?(?<month>${MONTH})\\.?${NAMED_YEAR}${AFTER}`, 'giu'),
  // Dec 31, December 31st, 2026
  monthFirst: new RegExp(`${BEFORE}(?<month>${MONTH})\\.?${GAP}(?<day>[0-9]{1,2})${ORDINAL}${NAMED_YEAR}${AFTER}`, 'giu'),
};

// The forms with a month name in a Spanish reply: 31 de diciembre de 2026, 31 dic 26, diciembre 31, 2026.
const SPANISH_NAMED_FORMS = {
  dayFirst: new RegExp(`${BEFORE}(?<day>[0-9]{1,2})${ORDINAL}${GAP}(?:(?:of|de)${GAP})?(?<month>${SPANISH_MONTH})\\.?${SPANISH_NAMED_YEAR}${AFTER}`, 'giu'),
  monthFirst: new RegExp(`${BEFORE}(?<month>${SPANISH_MONTH})\\.?${GAP}(?<day>[0-9]{1,2})${ORDINAL}${SPANISH_NAMED_YEAR}${AFTER}`, 'giu'),
};

/** A date as a reply wrote it, before the year is settled and the day checked. */
interface WrittenDate {
  day: number;
  month: number;
  /** Four digits, two digits, or undefined when the reply gave no year. */
  year: string | undefined;
}

const EXAMPLE_BY_ORDER: Record<DateOrder, string> = { DMY: 'day/month/year, such as 31/12/2026', MDY: 'month/day/year, such as 12/31/2026' };

/** Builds the re-ask hint of a date question, such as "Please reply with a date as day/month/year, such as 31/12/2026.". */
export function describeExpectedDate(order: DateOrder): string {
  return `Please reply with a date as ${EXAMPLE_BY_ORDER[order]}.`;
}

export interface ParseDateOptions {
  /** The current time, which settles a missing or two-digit year. */
  now: Date;
}

/**
 * Reads one date anywhere in a reply and stores it as "YYYY-MM-DD". It may be written
 * with numbers in the question's dateOrder (31/12/2026, 31.12.26, 31-12-2026, 31/12),
 * year first (2026-12-31), or with an English month name or its first three letters
 * (Dec 31, 31 December 2026, December 31st, 2026). Digits of any script count. A Spanish
 * reply (by `language`) may also name the month in Spanish (31 de diciembre de 2026).
 *
 * A missing year is the one that puts the date nearest to `now`, so within about six
 * months either way. A two-digit year is the one within 50 years of `now`'s year, the
 * earlier on a tie. Both use `now`'s date in UTC.
 *
 * A reply with two different dates, or with none, is asked again. So is a date that does
 * not exist, such as 31/02 or 29/02/2027, with a hint that names it ("There is no 31
 * February 2026."), because a silent correction could store the wrong day.
 */
export function parseDateAnswer(question: DateQuestion, body: string, { now, language, hints }: ParseDateOptions & ReplyLanguage): AnswerResult {
  const expected = hints.date(question.dateOrder);
  const found = findWrittenDates(body, question.dateOrder, primaryLanguage(language) === 'es');

  const results = new Map<string, AnswerResult>();
  for (const written of found) {
    const result = settleDate(written, now, expected, (date) => hints.noSuchDate(date, question.dateOrder));
    results.set(result.ok ? String(result.value) : result.expected, result);
  }
  if (results.size !== 1) return { ok: false, expected };
  return [...results.values()][0]!;
}

/** Finds every date a reply writes, in any form. */
function findWrittenDates(body: string, order: DateOrder, spanish: boolean): WrittenDate[] {
  const text = foldDecimalDigits(body.normalize('NFKC')).replace(/[\u2010-\u2015\u2212]/g, '-');
  const dates: WrittenDate[] = [];

  for (const match of text.matchAll(DATE_FORMS.yearFirst)) {
    const { year, month, day } = match.groups!;
    dates.push({ day: Number(day), month: Number(month), year });
  }
  for (const match of text.matchAll(DATE_FORMS.numeric)) {
    const { first, second, year } = match.groups!;
    const [day, month] = order === 'DMY' ? [first, second] : [second, first];
    dates.push({ day: Number(day), month: Number(month), year });
  }
  const named = spanish ? SPANISH_NAMED_FORMS : DATE_FORMS;
  const monthByWord = spanish ? SPANISH_MONTH_BY_WORD : MONTH_BY_WORD;
  for (const form of [named.dayFirst, named.monthFirst]) {
    for (const match of text.matchAll(form)) {
      const { day, month, year } = match.groups!;
      dates.push({ day: Number(day), month: monthByWord.get(month!.toLowerCase())!, year: year?.replace("'", '') });
    }
  }
  return dates;
}

/** Settles the year of a written date and checks that the date exists. */
function settleDate({ day, month, year }: WrittenDate, now: Date, expected: string, noSuchDate: (date: MissingDate) => string): AnswerResult {
  if (month < 1 || month > 12 || day < 1 || day > 31) return { ok: false, expected };

  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const currentYear = now.getUTCFullYear();

  let candidates: number[];
  if (year === undefined) candidates = [currentYear - 1, currentYear, currentYear + 1];
  else if (year.length === 2) candidates = [nearestYearEndingIn(Number(year), currentYear)];
  else candidates = [Number(year)];
  // Date.UTC reads years 0 to 99 as 1900 to 1999, and no survey asks about such years.
  if (candidates[0]! < 1000) return { ok: false, expected };

  const existing = candidates.filter((candidate) => day <= daysInMonth(candidate, month));
  if (existing.length === 0) {
    let namedYear: number | undefined;
    if (year !== undefined) namedYear = candidates[0];
    else if (day > maxDaysInMonth(month)) namedYear = undefined;
    else namedYear = currentYear;
    return { ok: false, expected: noSuchDate({ day, month, year: namedYear }) };
  }

  // The earlier year wins a tie, because survey questions more often ask about the past.
  const distance = (candidate: number) => Math.abs(Date.UTC(candidate, month - 1, day) - today);
  const settled = existing.reduce((best, candidate) => (distance(candidate) < distance(best) ? candidate : best));
  return { ok: true, value: `${String(settled).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

function nearestYearEndingIn(twoDigits: number, currentYear: number): number {
  const century = Math.floor(currentYear / 100) * 100;
  const candidates = [century - 100 + twoDigits, century + twoDigits, century + 100 + twoDigits];
  return candidates.reduce((best, candidate) => (Math.abs(candidate - currentYear) < Math.abs(best - currentYear) ? candidate : best));
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function maxDaysInMonth(month: number): number {
  return month === 2 ? 29 : daysInMonth(2000, month);
}
