import { z } from 'zod';
import { trimEdges } from '../engine/trim-edges.ts';
import { nextRulesSchema, optionalSchema, showIfSchema } from './logic-schema.ts';
import { choicesSchema } from './choice-schema.ts';
import { EVEN_WITH_FIELD_ERRORS, nonEmptyText, strictObject, translatable } from './schema-helpers.ts';
import { closestMatch, quoteList, quoteValue, quoteValueWithType } from './validation-messages.ts';

export const QUESTION_TYPES = ['choice', 'number', 'nps', 'yesno', 'text', 'message', 'multi', 'rating', 'date', 'language'] as const;

const questionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, {
    error: (issue) => {
      const example = trimEdges(String(issue.input).replace(/[^A-Za-z0-9_-]+/g, '_'), /_/) || 'score';
      return `invalid question id ${quoteValue(issue.input)}. Use only letters, digits, "_" and "-", for example "${example}".`;
    },
  })
  .describe('Question id, unique within the survey: letters, digits, "_" and "-". Answers are stored under it.');

export const maxRetriesSchema = z
  .number({
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `expected a whole number from 0 to 10, got ${quoteValueWithType(issue.input)}. It is how many times an invalid answer is asked again.`,
  })
  .int()
  .min(0)
  .max(10);

/** Fields shared by every question type, with the type-specific ones placed before maxRetries. */
function questionShape<Type extends string, Extra extends z.core.$ZodLooseShape>(type: Type, extra: Extra) {
  return {
    id: questionIdSchema,
    type: z.literal(type).describe('Question type, which decides how replies are read.'),
    text: translatable(nonEmptyText('question text').describe('The question as sent by SMS.')),
    ...extra,
    maxRetries: maxRetriesSchema
      .optional()
      .describe("How many times this question is asked again after an invalid answer. Overrides the survey's maxRetries."),
    optional: optionalSchema,
    showIf: showIfSchema.optional(),
    next: nextRulesSchema.optional(),
  };
}

const choiceQuestionSchema = strictObject('a choice question', questionShape('choice', { choices: choicesSchema })).describe(
  "A question answered by picking one of its choices. The answer is the choice's value, which is its label unless the choice sets one.",
);

/** Creates the schema of minChoices or maxChoices: a whole number of 1 or more. */
function choiceCountSchema(meaning: string) {
  const message = (issue: { input?: unknown }) => `expected a whole number of 1 or more, got ${quoteValueWithType(issue.input)}. It is ${meaning}.`;

  return z
    .number({ error: (issue) => (issue.input === undefined ? undefined : message(issue)) })
    .int({ error: message })
    .min(1, { error: message });
}

/**
 * Rejects choice counts that no reply could meet: a minChoices above the number of
 * choices, a maxChoices above it (which would promise more than there is), or a
 * maxChoices below minChoices.
 */
function checkChoiceCounts(question: { choices?: unknown; minChoices?: unknown; maxChoices?: unknown }, context: z.core.$RefinementCtx): void {
  const count = Array.isArray(question.choices) ? question.choices.length : undefined;
  const { minChoices, maxChoices } = question;

  if (count !== undefined && typeof minChoices === 'number' && minChoices > count) {
    context.addIssue({
      code: 'custom',
      path: ['minChoices'],
      input: minChoices,
      message: `minChoices ${minChoices} is more than the ${count} choices, so no reply could pick enough. Make minChoices at most ${count}, or add choices.`,
    });
  }
  if (count !== undefined && typeof maxChoices === 'number' && maxChoices > count) {
    context.addIssue({
      code: 'custom',
      path: ['maxChoices'],
      input: maxChoices,
      message: `maxChoices ${maxChoices} is more than the ${count} choices. Make maxChoices at most ${count}, or leave it out to allow every choice.`,
    });
  }
  if (typeof minChoices === 'number' && typeof maxChoices === 'number' && maxChoices < minChoices) {
    context.addIssue({
      code: 'custom',
      path: ['maxChoices'],
      input: maxChoices,
      message: `maxChoices ${maxChoices} is less than minChoices ${minChoices}. Make maxChoices at least ${minChoices}, or swap the two values.`,
    });
  }
}

const multiQuestionSchema = strictObject(
  'a multi question',
  questionShape('multi', {
    choices: choicesSchema,
    minChoices: choiceCountSchema('the fewest choices a reply must pick').optional().describe('Fewest choices a reply must pick. Default: 1.'),
    maxChoices: choiceCountSchema('the most choices a reply may pick')
      .optional()
      .describe('Most choices a reply may pick, at most the number of choices. Default: all of them.'),
  }),
)
  .superRefine(checkChoiceCounts, EVEN_WITH_FIELD_ERRORS)
  .describe(
    'A question answered by picking one or more of its choices, as in "1, 3" or "1 and 3". The answer lists the picked choices\' values in option order.',
  );

/** Rejects a number question whose max is below its min, because no answer could pass. */
function checkRangeIsOrdered(question: { min?: number; max?: number }, context: z.core.$RefinementCtx): void {
  const { min, max } = question;
  if (typeof min !== 'number' || typeof max !== 'number' || min <= max) return;

  context.addIssue({
    code: 'custom',
    path: ['max'],
    input: max,
    message: `max ${max} is less than min ${min}. Make max at least ${min}, or swap the two values.`,
  });
}

const numberQuestionSchema = strictObject(
  'a number question',
  questionShape('number', {
    min: z.number().optional().describe('Smallest accepted answer, inclusive. Answers below it are asked again, never clamped.'),
    max: z.number().optional().describe('Largest accepted answer, inclusive. Answers above it are asked again, never clamped.'),
    integer: z.boolean().default(false).describe('Whether only whole numbers are accepted.'),
  }),
)
  .superRefine(checkRangeIsOrdered, EVEN_WITH_FIELD_ERRORS)
  .describe('A question answered with one number, such as an age or a rating.');

// NPS's 0 to 10 has 11 points. A longer scale is hard to answer from memory when the SMS
// shows only its ends, and a number question covers it.
const MAX_SCALE_POINTS = 11;

/** Creates the schema of a rating scale's min or max: any whole number. */
function scalePointSchema(end: 'lowest' | 'highest', example: number) {
  const message = (issue: { input?: unknown }) =>
    `expected a whole number, got ${quoteValueWithType(issue.input)}. Write the ${end} point of the scale, such as ${example}.`;

  return z.number({ error: (issue) => (issue.input === undefined ? undefined : message(issue)) }).int({ error: message });
}

/** Rejects a rating scale whose max is not above its min, or that has more than MAX_SCALE_POINTS points. */
function checkScale(question: { min?: unknown; max?: unknown }, context: z.core.$RefinementCtx): void {
  const { min, max } = question;
  if (!Number.isInteger(min) || !Number.isInteger(max)) return;
  const [low, high] = [min as number, max as number];

  if (high <= low) {
    context.addIssue({
      code: 'custom',
      path: ['max'],
      input: high,
      message:
        high === low
          ? `max ${high} is the same as min ${low}, so the scale has one point. Make max larger than min.`
          : `max ${high} is less than min ${low}. Make max larger than min, or swap the two values.`,
    });
    return;
  }
  const points = high - low + 1;
  if (points > MAX_SCALE_POINTS) {
    context.addIssue({
      code: 'custom',
      path: ['max'],
      input: high,
      message:
        `the scale from ${low} to ${high} has ${points} points, but at most ${MAX_SCALE_POINTS} are allowed, because a longer scale is hard to answer by SMS. ` +
        `Make max at most ${low + MAX_SCALE_POINTS - 1}, or use a number question.`,
    });
  }
}

const ratingQuestionSchema = strictObject(
  'a rating question',
  questionShape('rating', {
    min: scalePointSchema('lowest', 1).describe('Lowest point of the scale, a whole number, such as 1.'),
    max: scalePointSchema('highest', 5).describe(`Highest point of the scale, a whole number above min, at most ${MAX_SCALE_POINTS - 1} above it, such as 5.`),
    minLabel: translatable(
      nonEmptyText('label of the lowest point').describe('What the lowest point means, shown below the question as "1 = Very unhappy".'),
    ).optional(),
    maxLabel: translatable(
      nonEmptyText('label of the highest point').describe('What the highest point means, shown below the question as "5 = Very happy".'),
    ).optional(),
  }),
)
  .superRefine(checkScale, EVEN_WITH_FIELD_ERRORS)
  .describe(`A question answered with a whole number on a scale of at most ${MAX_SCALE_POINTS} points, such as 1 to 5. The answer is the number.`);

const npsQuestionSchema = strictObject('an nps question', questionShape('nps', {})).describe(
  'A Net Promoter Score question, answered with a whole number from 0 to 10.',
);
const yesNoQuestionSchema = strictObject('a yesno question', questionShape('yesno', {})).describe(
  'A question answered with yes or no (or a synonym such as "yep" or "nope"). The answer is true or false.',
);
const textQuestionSchema = strictObject('a text question', questionShape('text', {})).describe(
  'A question answered with free text, stored with the spaces at its ends trimmed.',
);

export const DATE_ORDERS = ['DMY', 'MDY'] as const;

const dateQuestionSchema = strictObject(
  'a date question',
  questionShape('date', {
    dateOrder: z
      .enum(DATE_ORDERS, {
        error: (issue) =>
          issue.input === undefined
            ? undefined
            : `invalid dateOrder ${quoteValue(issue.input)}. Use "DMY" for day/month/year (31/12/2026) or "MDY" for month/day/year (12/31/2026).`,
      })
      .default('DMY')
      .describe('How a date written in numbers only is read: "DMY" (31/12/2026) or "MDY" (12/31/2026). Default: "DMY".'),
  }),
).describe(
  'A question answered with a date, such as 31/12/2026, 2026-12-31 or Dec 31. The answer is the date as "YYYY-MM-DD".',
);

const languageQuestionSchema = strictObject('a language question', questionShape('language', {})).describe(
  'A question that lets the respondent choose one of the survey\'s languages, listed below the text by their own names ("1. English", "2. Español"). The answer is the language tag, such as "es", and the survey goes on in that language. It is passed over when the respondent is a contact whose language the survey has.',
);

const messageQuestionSchema = strictObject('a message question', {
  id: questionIdSchema,
  type: z.literal('message').describe('Question type, which decides how replies are read.'),
  text: translatable(nonEmptyText('message text').describe('Text sent together with what follows it, without waiting for a reply.')),
  showIf: showIfSchema.optional(),
  next: nextRulesSchema.optional(),
}).describe('Text with no answer, sent in the same SMS as the next question or the end message.');

function questionTypeMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input !== undefined) {
    return `expected a question as an object in curly braces { ... }, got ${quoteValueWithType(issue.input)}.`;
  }
  if (issue.code !== 'invalid_union') return undefined;

  const type = (issue.input as { type?: unknown }).type;
  const allowed = `Use one of ${quoteList(QUESTION_TYPES)}.`;
  if (type === undefined) return `missing required property "type". Add it. ${allowed}`;

  const suggestion = typeof type === 'string' ? closestMatch(type, QUESTION_TYPES) : undefined;
  const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  return `unknown question type ${quoteValue(type)}.${hint} ${allowed}`;
}

export const questionSchema = z.discriminatedUnion(
  'type',
  [choiceQuestionSchema, numberQuestionSchema, npsQuestionSchema, yesNoQuestionSchema, textQuestionSchema, messageQuestionSchema, multiQuestionSchema, ratingQuestionSchema, dateQuestionSchema, languageQuestionSchema],
  { error: questionTypeMessage },
);
