import type { Question } from '../../surveys/survey-schema.ts';
import type { AnswerResult } from './answer-result.ts';
import { parseChoiceAnswer } from './parse-choice.ts';
import { parseDateAnswer } from './parse-date.ts';
import { parseMultiAnswer } from './parse-multi.ts';
import { parseNpsAnswer, parseNumberAnswer, parseRatingAnswer } from './parse-number.ts';
import { parseTextAnswer } from './parse-text.ts';
import { parseYesNoAnswer } from './parse-yesno.ts';

export type { AnswerResult } from './answer-result.ts';
export { normalizeForMatching } from './normalize.ts';
export { parseSingleNumber } from './parse-number.ts';

export interface ParseAnswerOptions {
  /** The current time, which settles the year of a date reply that has none or only two digits. Default: the system clock. */
  now?: Date | undefined;
}

/** Reads an SMS reply as an answer to `question`, or returns the hint to send before asking again. */
export function parseAnswer(question: Question, body: string, { now = new Date() }: ParseAnswerOptions = {}): AnswerResult {
  switch (question.type) {
    case 'choice':
      return parseChoiceAnswer(question, body);
    case 'multi':
      return parseMultiAnswer(question, body);
    case 'number':
      return parseNumberAnswer(question, body);
    case 'nps':
      return parseNpsAnswer(question, body);
    case 'rating':
      return parseRatingAnswer(question, body);
    case 'yesno':
      return parseYesNoAnswer(question, body);
    case 'text':
      return parseTextAnswer(question, body);
    case 'date':
      return parseDateAnswer(question, body, { now });
  }
}
