import type { Question } from '../../surveys/survey-schema.ts';
import { type AnswerHints, ENGLISH_ANSWER_HINTS } from './answer-hints.ts';
import type { AnswerResult } from './answer-result.ts';
import { parseChoiceAnswer } from './parse-choice.ts';
import { parseDateAnswer } from './parse-date.ts';
import { parseMultiAnswer } from './parse-multi.ts';
import { parseNpsAnswer, parseNumberAnswer, parseRatingAnswer } from './parse-number.ts';
import { parseTextAnswer } from './parse-text.ts';
import { parseYesNoAnswer } from './parse-yesno.ts';

export type { AnswerHints, MissingDate } from './answer-hints.ts';
export { ENGLISH_ANSWER_HINTS } from './answer-hints.ts';
export type { AnswerResult } from './answer-result.ts';
export { normalizeForMatching } from './normalize.ts';
export { parseSingleNumber } from './parse-number.ts';

export interface ParseAnswerOptions {
  /** The current time, which settles the year of a date reply that has none or only two digits. Default: the system clock. */
  now?: Date | undefined;
  /**
   * The respondent's BCP 47 language. It decides the yes/no, number and month words, and
   * the words that join multi choices, read besides the English ones. Choices are matched by the labels the question has, so pass
   * the question in this language too. Default: "en".
   */
  language?: string | undefined;
  /** The hints sent back after an invalid reply, in the respondent's language. Default: English. */
  hints?: AnswerHints | undefined;
}

/** Reads an SMS reply as an answer to `question`, or returns the hint to send before asking again. */
export function parseAnswer(
  question: Question,
  body: string,
  { now = new Date(), language = 'en', hints = ENGLISH_ANSWER_HINTS }: ParseAnswerOptions = {},
): AnswerResult {
  const reading = { language, hints };
  switch (question.type) {
    case 'choice':
      return parseChoiceAnswer(question, body, hints);
    case 'multi':
      return parseMultiAnswer(question, body, reading);
    case 'number':
      return parseNumberAnswer(question, body, reading);
    case 'nps':
      return parseNpsAnswer(question, body, reading);
    case 'rating':
      return parseRatingAnswer(question, body, reading);
    case 'yesno':
      return parseYesNoAnswer(question, body, reading);
    case 'text':
      return parseTextAnswer(question, body, hints);
    case 'date':
      return parseDateAnswer(question, body, { now, ...reading });
    case 'language':
      return parseChoiceAnswer(question, body, hints);
  }
}
