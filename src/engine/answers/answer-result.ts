import type { AnswerValue } from '../survey-machine.ts';

/** The answer for a choice marked `other`: the choice's value and the respondent's own words, "" when there were none. */
export type OtherAnswer = Extract<AnswerValue, { text: string }>;

/**
 * The outcome of reading one reply. `expected` is the hint sent before the question is
 * asked again, such as "Please reply YES or NO.", in the language of the hints that
 * parseAnswer was given (English by default).
 */
export type AnswerResult = { ok: true; value: AnswerValue } | { ok: false; expected: string };
