import { z } from 'zod';
import { RESERVED_KEYWORDS } from '../engine/keywords.ts';
import { trimEdges } from '../engine/trim-edges.ts';
import { endsSchema, scoresSchema, skipWordSchema } from './logic-schema.ts';
import { maxRetriesSchema, questionSchema } from './question-schema.ts';
import { englishLanguageName, nativeLanguageName } from '../language-tags.ts';
import type { ChoiceOption } from './choice-option.ts';
import { EVEN_WITH_FIELD_ERRORS, EVEN_WITH_ITEM_ERRORS, nonEmptyText, strictObject, translatable, translatableTexts } from './schema-helpers.ts';
import { checkSurveyLogic } from './survey-logic-check.ts';
import { DEFAULT_LANGUAGE } from './survey-translations.ts';
import { languagesSchema, messagesSchema } from './translation-schema.ts';
import { quoteValue, quoteValueWithType } from './validation-messages.ts';

export { RESERVED_KEYWORDS };
export { QUESTION_TYPES } from './question-schema.ts';

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_EXPIRES_AFTER = '3d';

const DURATION_PATTERN = /^([1-9][0-9]*)([mhd])$/;
const MILLISECONDS_PER_UNIT = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Converts a duration such as "90m", "12h" or "3d" to milliseconds, or returns undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) return undefined;

  const unit = match[2] as keyof typeof MILLISECONDS_PER_UNIT;
  const milliseconds = Number(match[1]) * MILLISECONDS_PER_UNIT[unit];
  return Number.isSafeInteger(milliseconds) ? milliseconds : undefined;
}

function toSlug(text: string): string {
  const slug = text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  return trimEdges(slug, /-/);
}

const surveyIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
    error: (issue) => {
      const example = toSlug(String(issue.input)) || 'customer-feedback';
      return `invalid survey id ${quoteValue(issue.input)}. Use lowercase letters and digits joined by single hyphens, for example "${example}".`;
    },
  })
  .describe('Unique survey id: lowercase letters and digits joined by single hyphens, such as "customer-nps". Stored with every session.');

const keywordSchema = z
  .string()
  .regex(/^[A-Za-z0-9]+$/, {
    error: (issue) => {
      const example = String(issue.input).replace(/[^A-Za-z0-9]+/g, '').toUpperCase() || 'FEEDBACK';
      return `invalid keyword ${quoteValue(issue.input)}. Use a single word of letters A-Z and digits, for example "${example}".`;
    },
  })
  .refine((keyword) => !(RESERVED_KEYWORDS as readonly string[]).includes(keyword.toUpperCase()), {
    error: (issue) =>
      `keyword ${quoteValue(issue.input)} is reserved, because Twilio handles ${String(issue.input).toUpperCase()} as an opt-out, opt-in or help command. Choose another word.`,
  });

const keywordsSchema = z
  .array(keywordSchema)
  .min(1, { error: 'expected at least 1 keyword, got none. Add the word that starts the survey, for example "FEEDBACK".' })
  .superRefine((keywords, context) => {
    const firstIndexByKeyword = new Map<string, number>();
    keywords.forEach((keyword, index) => {
      if (typeof keyword !== 'string') return;

      const upperCased = keyword.toUpperCase();
      const firstIndex = firstIndexByKeyword.get(upperCased);
      if (firstIndex === undefined) {
        firstIndexByKeyword.set(upperCased, index);
        return;
      }
      context.addIssue({
        code: 'custom',
        path: [index],
        input: keyword,
        message: `keyword ${quoteValue(keyword)} is already listed at $.keywords[${firstIndex}] (keywords ignore case). Remove one of them.`,
      });
    });
  }, EVEN_WITH_ITEM_ERRORS)
  .describe('Words that start this survey when texted on their own, matched ignoring case. Each is one word of letters A-Z and digits, and not a reserved word such as STOP or HELP.')
  .transform((keywords) => keywords.map((keyword) => keyword.toUpperCase()));

const durationSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `expected a duration such as "3d", got ${quoteValueWithType(issue.input)}. Write a whole number and a unit in quotes: "90m", "12h" or "3d".`,
  })
  .regex(DURATION_PATTERN, { error: (issue) => invalidDurationMessage(issue.input), abort: true })
  .refine((text) => parseDuration(text) !== undefined, { error: (issue) => invalidDurationMessage(issue.input) });

const expiresAfterSchema = durationSchema.describe('How long a session waits for the next reply before it expires: a whole number above 0 and m (minutes), h (hours) or d (days), such as "3d".');

const MAX_REMINDERS = 3;

const remindersSchema = z
  .array(
    strictObject('a reminder', {
      after: durationSchema.describe('Time after the invitation was sent, such as "4h" or "1d".'),
      text: translatable(nonEmptyText('reminder text').describe('Message sent before the question the respondent has not answered yet.')),
    }),
    { error: (issue) => (issue.input === undefined ? undefined : `expected the reminders as a list in square brackets [ ... ], got ${quoteValueWithType(issue.input)}.`) },
  )
  .max(MAX_REMINDERS, { error: `at most ${MAX_REMINDERS} reminders are allowed; more reminders make respondents opt out. Remove the extra ones.` })
  .superRefine((reminders, context) => {
    reminders.forEach((reminder, index) => {
      const previous = reminders[index - 1];
      if (previous === undefined) return;
      const [after, before] = [parseDuration(reminder.after), parseDuration(previous.after)];
      if (after !== undefined && before !== undefined && after <= before) {
        context.addIssue({
          code: 'custom',
          path: [index, 'after'],
          input: reminder.after,
          message: `reminder after ${quoteValue(reminder.after)} is not later than the one before it (${quoteValue(previous.after)}). List reminders from the earliest to the latest.`,
        });
      }
    });
  }, EVEN_WITH_ITEM_ERRORS)
  .describe('Messages sent to respondents of an invitation who have not replied yet, in order. Each is sent at most once, within the sending hours, and none is sent after the session ends.');

function invalidDurationMessage(input: unknown): string {
  return `invalid duration ${quoteValue(input)}. Use a whole number above 0 followed by m (minutes), h (hours) or d (days), for example "3d" or "12h".`;
}

const questionsSchema = z
  .array(questionSchema)
  .min(1, { error: 'expected at least 1 question, got none. Add a question.' })
  .superRefine((questions, context) => {
    const firstIndexById = new Map<string, number>();

    questions.forEach((question, index) => {
      const id: unknown = typeof question === 'object' && question !== null ? question.id : undefined;
      if (typeof id !== 'string') return;

      const firstIndex = firstIndexById.get(id);
      if (firstIndex === undefined) {
        firstIndexById.set(id, index);
        return;
      }
      context.addIssue({
        code: 'custom',
        path: [index, 'id'],
        input: id,
        message: `question id ${quoteValue(id)} is already used by $.questions[${firstIndex}]. Give each question its own id.`,
      });
    });
  }, EVEN_WITH_ITEM_ERRORS)
  .describe('The questions, asked in this order.');

const surveyObjectSchema = strictObject('a survey', {
  $schema: z.string().optional().describe('Path or URL of the JSON Schema that editors use to check this file. Parley ignores it.'),
  id: surveyIdSchema,
  title: translatable(nonEmptyText('title').describe('Name of the survey for the people who run it, also sent in the message that a session has closed.')),
  keywords: keywordsSchema,
  intro: translatable(
    nonEmptyText('intro message').describe('Message sent when the survey starts, before the first question. Say who is asking and how to opt out.'),
  ).optional(),
  questions: questionsSchema,
  end: translatable(nonEmptyText('end message').describe('Message sent after the last question.')),
  maxRetries: maxRetriesSchema
    .default(DEFAULT_MAX_RETRIES)
    .describe('How many times a question is asked again after an invalid answer before it is recorded as unanswered: 0 to 10.'),
  expiresAfter: expiresAfterSchema.default(DEFAULT_EXPIRES_AFTER),
  reminders: remindersSchema.optional(),
  ends: endsSchema.optional(),
  scores: scoresSchema.optional(),
  skipWord: skipWordSchema,
  languages: languagesSchema.optional(),
  messages: messagesSchema.optional(),
}).superRefine((survey, context) => {
  // A reminder due after the session expired could never be sent.
  const expiresAfterMs = parseDuration(typeof survey.expiresAfter === 'string' ? survey.expiresAfter : DEFAULT_EXPIRES_AFTER);
  if (!Array.isArray(survey.reminders) || expiresAfterMs === undefined) return;
  survey.reminders.forEach((reminder, index) => {
    const afterMs = typeof reminder?.after === 'string' ? parseDuration(reminder.after) : undefined;
    if (afterMs !== undefined && afterMs >= expiresAfterMs) {
      context.addIssue({
        code: 'custom',
        path: ['reminders', index, 'after'],
        input: reminder.after,
        message: `reminder after ${quoteValue(reminder.after)} comes when the session has already expired (expiresAfter ${quoteValue(survey.expiresAfter ?? DEFAULT_EXPIRES_AFTER)}). Send it earlier or raise expiresAfter.`,
      });
    }
  });
}, EVEN_WITH_FIELD_ERRORS)
  .superRefine(checkLanguageUse, EVEN_WITH_FIELD_ERRORS)
  // Runs only on an otherwise valid survey, because it follows ids across the whole file.
  .superRefine(checkSurveyLogic, { when: (payload) => payload.issues.length === 0 });

/**
 * Schema of a survey file. Parsing upper-cases the keywords and resolves the defaults:
 * `expiresAfterMs` is `expiresAfter` in milliseconds, and every question carries its
 * effective `maxRetries` (its own, or the survey's).
 */
export const surveySchema = surveyObjectSchema.transform((survey) => {
  const { expiresAfter, maxRetries, questions } = survey;
  const languages = survey.languages ?? [DEFAULT_LANGUAGE];

  return {
    ...survey,
    languages,
    messages: survey.messages ?? {},
    // The field schema already rejected every string that parseDuration cannot read.
    expiresAfterMs: parseDuration(expiresAfter)!,
    reminders: (survey.reminders ?? []).map((reminder) => ({ ...reminder, afterMs: parseDuration(reminder.after)! })),
    questions: questions.map((question) => {
      // A message waits for no reply, so its maxRetries is never used; it is set so every entry has one.
      const withRetries = { ...question, maxRetries: (question.type === 'message' ? undefined : question.maxRetries) ?? maxRetries };
      return withRetries.type === 'language' ? { ...withRetries, choices: languageChoices(languages) } : withRetries;
    }),
    ends: survey.ends ?? {},
    scores: survey.scores ?? {},
  };
});

/**
 * Lists the choices of a language question: each language by its own name, which a
 * reply may also give in English ("Spanish"). The value is the language tag.
 */
function languageChoices(languages: readonly string[]): ChoiceOption[] {
  return languages.map((language) => {
    const label = nativeLanguageName(language);
    const english = englishLanguageName(language);
    return { label, value: language, aliases: english === label ? [] : [english], other: false };
  });
}

/**
 * Rejects replaced messages for a language that the survey does not have, and a
 * language question in a survey with a single language, which would offer no choice.
 */
function checkLanguageUse(
  survey: { languages?: unknown; messages?: unknown; questions?: unknown },
  context: z.core.$RefinementCtx,
): void {
  const languages = Array.isArray(survey.languages) ? survey.languages.filter((language) => typeof language === 'string') : [DEFAULT_LANGUAGE];
  const declared = languages.map((language) => JSON.stringify(language)).join(', ');

  if (typeof survey.messages === 'object' && survey.messages !== null) {
    for (const language of Object.keys(survey.messages)) {
      if (languages.includes(language)) continue;
      context.addIssue({
        code: 'custom',
        path: ['messages', language],
        input: language,
        message: `messages are given for ${quoteValue(language)}, which is not one of the survey's languages (${declared}). Add it to "languages", or correct the language tag.`,
      });
    }
  }

  if (!Array.isArray(survey.questions) || languages.length >= 2) return;
  survey.questions.forEach((question: unknown, index) => {
    if (typeof question !== 'object' || question === null || (question as { type?: unknown }).type !== 'language') return;
    context.addIssue({
      code: 'custom',
      path: ['questions', index, 'type'],
      input: 'language',
      message: `a language question lets respondents choose one of the survey's languages, but the survey has only ${declared}. List them in "languages", such as ["en", "es"], or remove the question.`,
    });
  });
}

/** A survey in one of its languages, whose translated texts are all in `language`. */
export type Survey = z.output<typeof surveySchema> & {
  /** The BCP 47 language of the texts, one of `languages`. */
  language: string;
};
/** An entry of `questions`: a question, or a message that waits for no reply. */
export type SurveyItem = Survey['questions'][number];
export type MessageQuestion = Extract<SurveyItem, { type: 'message' }>;
/** A question that waits for a reply. */
export type Question = Exclude<SurveyItem, { type: 'message' }>;
export type QuestionType = Question['type'];
export type ChoiceQuestion = Extract<Question, { type: 'choice' }>;
export type MultiQuestion = Extract<Question, { type: 'multi' }>;
export type NumberQuestion = Extract<Question, { type: 'number' }>;
export type NpsQuestion = Extract<Question, { type: 'nps' }>;
export type RatingQuestion = Extract<Question, { type: 'rating' }>;
export type YesNoQuestion = Extract<Question, { type: 'yesno' }>;
export type TextQuestion = Extract<Question, { type: 'text' }>;
export type DateQuestion = Extract<Question, { type: 'date' }>;
export type LanguageQuestion = Extract<Question, { type: 'language' }>;

/** A survey as an author writes it, before defaults are filled in. */
export type SurveyInput = z.input<typeof surveySchema>;

export const SURVEY_JSON_SCHEMA_ID = 'urn:parley:survey';

/**
 * Builds the draft-07 JSON Schema that editors use to check survey files. It describes
 * the input, so properties with defaults are optional. Checks that span several fields,
 * such as unique question ids, exist only in `surveySchema`.
 */
export function buildSurveyJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(surveySchema, { io: 'input', target: 'draft-07', override: allowTranslations });

  return {
    $schema,
    $id: SURVEY_JSON_SCHEMA_ID,
    title: 'Parley survey',
    description: 'An SMS survey: the keywords that start it, its questions in order, and the messages around them.',
    ...generated,
  };
}

/**
 * Lets a translatable text be written as an object with the text in each language,
 * such as { "en": "Thanks!", "es": "¡Gracias!" }, as well as a plain string.
 */
function allowTranslations({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  const marked = translatableTexts.get(zodSchema as z.ZodType);
  if (marked === undefined) return;

  const { description, ...plain } = jsonSchema;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  const translations = {
    type: 'object',
    description: marked.list ? 'The list in each of the survey\'s languages, by language tag.' : 'The text in each of the survey\'s languages, by language tag.',
    propertyNames: { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$' },
    minProperties: 1,
    additionalProperties: plain,
  };
  Object.assign(jsonSchema, description === undefined ? {} : { description }, { anyOf: [plain, translations] });
}
