import { matchLanguage } from '../language-tags.ts';
import type { AnswerHints } from './answers/answer-hints.ts';
import type { DateOrder } from './answers/parse-date.ts';
import { exampleChoices } from './answers/parse-multi.ts';
import type { BuiltInTexts } from './texts/built-in-texts.ts';
import { ENGLISH_TEXTS } from './texts/english.ts';
import { fillTemplate, type MessageOverrides } from './texts/message-templates.ts';
import { SPANISH_TEXTS } from './texts/spanish.ts';

export type { MessageId, MessageOverrides } from './texts/message-templates.ts';

/** The languages the engine's messages are written in. Any other language gets them in English, unless a survey replaces them. */
export const BUILT_IN_LANGUAGES = ['en', 'es'] as const;

const BUILT_IN_TEXTS: Record<(typeof BUILT_IN_LANGUAGES)[number], BuiltInTexts> = { en: ENGLISH_TEXTS, es: SPANISH_TEXTS };

/** Returns the sentence added to an invitation that does not say how to opt out, in `language` or else English. */
export function optOutHint(language: string): string {
  return builtInTexts(language).optOutHint;
}

/** Returns the words that piped text writes a yes/no answer with, in `language` or else English. */
export function yesNoWords(language: string): { yes: string; no: string } {
  const { yes, no } = builtInTexts(language);
  return { yes, no };
}

function builtInTexts(language: string): BuiltInTexts {
  const matched = matchLanguage(language, BUILT_IN_LANGUAGES) as (typeof BUILT_IN_LANGUAGES)[number] | undefined;
  return matched === undefined ? ENGLISH_TEXTS : BUILT_IN_TEXTS[matched];
}

/** The example dates that a replaced date hint gets as `{example}`. */
const DATE_EXAMPLES: Record<DateOrder, string> = { DMY: '31/12/2026', MDY: '12/31/2026' };

/** The engine's own messages in one language, as opposed to the survey author's. */
export interface EngineTexts {
  /** The BCP 47 language these texts were asked for. */
  language: string;
  help: string;
  optOut: string;
  optIn: string;
  /** Sent when an invalid answer used up the question's retries. */
  movingOn: string;
  /** Sent to a respondent with no active session. */
  noSession: (keywords: string[]) => string;
  /** Sent when the respondent's session expired. */
  closed: (title: string, keywords: string[]) => string;
  /** Added to the hint of an optional question whose text does not name the skip word. */
  skipHint: (skipWord: string) => string;
  /** The hints sent before a question is asked again after an invalid reply. */
  answerHints: AnswerHints;
  /**
   * Returns these texts in another language, with a survey's replacements for that
   * language. PROGRAM_NAME and HELP_TEXT still apply.
   */
  forLanguage(language: string, overrides?: MessageOverrides): EngineTexts;
}

export interface EngineTextsOptions {
  programName: string;
  /** Replaces the whole default HELP reply, in every language, unless a survey replaces `help` for the language. */
  helpText?: string | undefined;
  /** BCP 47 tag; languages other than those in BUILT_IN_LANGUAGES get English. Default: "en". */
  language?: string | undefined;
  /** A survey's replacements for this language. */
  overrides?: MessageOverrides | undefined;
}

/**
 * Creates the engine's messages in one language.
 *
 * @example
 * const texts = createEngineTexts({ programName: 'Acme surveys' });
 * texts.forLanguage('es-MX', { movingOn: 'Sigamos adelante.' }).movingOn; // "Sigamos adelante."
 */
export function createEngineTexts({ programName, helpText, language = 'en', overrides = {} }: EngineTextsOptions): EngineTexts {
  const builtIn = builtInTexts(language);

  return {
    language,
    help: replaced(overrides.help, { programName }, () => helpText ?? builtIn.help(programName)),
    optOut: replaced(overrides.optOut, { programName }, () => builtIn.optOut(programName)),
    optIn: replaced(overrides.optIn, { programName }, () => builtIn.optIn(programName)),
    movingOn: overrides.movingOn ?? builtIn.movingOn,
    noSession: (keywords) => builtIn.noSession(keywords),
    closed: (title, keywords) => replaced(overrides.closed, { title, keywords: builtIn.keywordList(keywords) }, () => builtIn.closed(title, keywords)),
    skipHint: (skipWord) => replaced(overrides.skipHint, { skipWord }, () => builtIn.skipHint(skipWord)),
    answerHints: replaceHints(builtIn, overrides),
    forLanguage: (other, otherOverrides) => createEngineTexts({ programName, helpText, language: other, overrides: otherOverrides }),
  };
}

/** Applies a survey's replaced hints over the built-in ones. */
function replaceHints(builtIn: BuiltInTexts, overrides: MessageOverrides): AnswerHints {
  const hints = builtIn.answerHints;

  return {
    choice: (count) => replaced(overrides.choiceHint, { count }, () => hints.choice(count)),
    choiceWithOther: (count, other) => replaced(overrides.otherChoiceHint, { count, other }, () => hints.choiceWithOther(count, other)),
    multi: (count, min, max, other) =>
      replaced(overrides.multiHint, { count, min, max, example: exampleChoices(count, min, max), other: other ?? '' }, () => hints.multi(count, min, max, other)),
    number: (min, max, integer) => replaced(overrides.numberHint, { min: min ?? '', max: max ?? '' }, () => hints.number(min, max, integer)),
    nps: () => overrides.npsHint ?? hints.nps(),
    rating: (min, max) => replaced(overrides.ratingHint, { min, max }, () => hints.rating(min, max)),
    yesNo: () => overrides.yesNoHint ?? hints.yesNo(),
    text: () => overrides.textHint ?? hints.text(),
    date: (order) => replaced(overrides.dateHint, { example: DATE_EXAMPLES[order] }, () => hints.date(order)),
    noSuchDate: (date, order) =>
      replaced(
        overrides.noSuchDateHint,
        { date: builtIn.formatDate(date.day, date.month, date.year), example: DATE_EXAMPLES[order] },
        () => hints.noSuchDate(date, order),
      ),
  };
}

/** Fills a survey's replacement for a message, or returns the built-in message when there is none. */
function replaced(template: string | undefined, values: Readonly<Record<string, string | number>>, builtIn: () => string): string {
  return template === undefined ? builtIn() : fillTemplate(template, values);
}
