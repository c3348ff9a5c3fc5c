import { ENGLISH_ANSWER_HINTS } from '../answers/answer-hints.ts';
import { MONTH_NAMES } from '../answers/parse-date.ts';
import type { BuiltInTexts } from './built-in-texts.ts';

function keywordList(keywords: readonly string[]): string {
  if (keywords.length <= 1) return keywords[0] ?? '';
  return `${keywords.slice(0, -1).join(', ')} or ${keywords.at(-1)}`;
}

function startHint(keywords: readonly string[]): string {
  return keywords.length === 0 ? 'No survey is open right now.' : `To take a survey, text ${keywordList(keywords)}.`;
}

/** The engine's messages in English. */
export const ENGLISH_TEXTS: BuiltInTexts = {
  help: (programName) =>
    `${programName}: we send survey questions and you reply with your answers. Reply STOP to opt out, START to opt back in. Msg & data rates may apply.`,
  optOut: (programName) => `You have been unsubscribed from ${programName} and will get no more messages. Reply START to resubscribe.`,
  optIn: (programName) => `You have been resubscribed to ${programName}. Reply HELP for help, STOP to opt out.`,
  movingOn: "Let's move on.",
  noSession: (keywords) => `${startHint(keywords)} Reply HELP for help, STOP to opt out.`,
  closed: (title, keywords) => `The survey "${title}" has closed. ${startHint(keywords)}`,
  skipHint: (skipWord) => `Reply ${skipWord} to skip this question.`,
  keywordList,
  formatDate: (day, month, year) => [String(day), MONTH_NAMES[month - 1], ...(year === undefined ? [] : [String(year)])].join(' '),
  answerHints: ENGLISH_ANSWER_HINTS,
  optOutHint: 'Reply STOP to opt out.',
  yes: 'yes',
  no: 'no',
};
