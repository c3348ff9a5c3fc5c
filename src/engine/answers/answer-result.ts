/**
 * The outcome of reading one reply. `expected` is the English sentence sent before the
 * question is asked again, such as "Please reply YES or NO.".
 */
export type AnswerResult = { ok: true; value: string | number | boolean } | { ok: false; expected: string };
