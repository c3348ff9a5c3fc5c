import type { AnswerHints } from '../answers/answer-hints.ts';

/** The engine's own messages in one language, before PROGRAM_NAME, HELP_TEXT and a survey's replacements apply. */
export interface BuiltInTexts {
  help(programName: string): string;
  optOut(programName: string): string;
  optIn(programName: string): string;
  /** Sent when an invalid answer used up the question's retries. */
  movingOn: string;
  /** Sent to a respondent with no active session. */
  noSession(keywords: readonly string[]): string;
  /** Sent when the respondent's session expired. */
  closed(title: string, keywords: readonly string[]): string;
  /** Added to the hint of an optional question whose text does not name the skip word. */
  skipHint(skipWord: string): string;
  /** Joins keywords as alternatives, as in "A, B or C". */
  keywordList(keywords: readonly string[]): string;
  /** A date as a hint names it, such as "31 February 2026". */
  formatDate(day: number, month: number, year: number | undefined): string;
  answerHints: AnswerHints;
  /** Added to an invitation that does not say how to opt out. */
  optOutHint: string;
  /** How `{{answers.ID}}` writes a yes/no answer. */
  yes: string;
  no: string;
}
