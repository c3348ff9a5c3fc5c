import type { AnswerValue } from '../survey-machine.ts';

/** The answer for a choice marked `other`: the choice's value and the respondent's own words, "" when there were none. */
export type OtherAnswer = Extract<AnswerValue, { text: string }>;

/**
 * The outcome of reading one reply. `expected` is the English sentence sent before the
 * question is asked again, such as "Please reply YES or NO.".
 */
export type AnswerResult = { ok: true; value: AnswerValue } | { ok: false; expected: string };
