import { z } from 'zod';
import { canonicalizeLanguage } from '../language-tags.ts';
import { MESSAGE_IDS, MESSAGE_PLACEHOLDERS, type MessageId, unknownPlaceholders } from '../engine/texts/message-templates.ts';
import { nonEmptyText, strictObject } from './schema-helpers.ts';
import { quoteList, quoteValue, quoteValueWithType } from './validation-messages.ts';

/** Creates the schema of a BCP 47 language tag in canonical form, such as "es" or "es-MX". */
function languageTagSchema() {
  return z
    .string({ error: (issue) => `expected a language tag in double quotes, such as "es", got ${quoteValueWithType(issue.input)}.` })
    .superRefine((tag, context) => {
      const canonical = canonicalizeLanguage(tag);
      if (canonical === tag) return;
      context.addIssue({
        code: 'custom',
        input: tag,
        message:
          canonical === undefined
            ? `invalid language tag ${quoteValue(tag)}. Use a BCP 47 tag such as "en", "es" or "pt-BR" (a hyphen, not an underscore).`
            : `language tag ${quoteValue(tag)} is not written in the usual form. Write ${quoteValue(canonical)}.`,
      });
    });
}

export const languagesSchema = z
  .array(languageTagSchema(), {
    error: (issue) => (issue.input === undefined ? undefined : `expected "languages" as a list of language tags, such as ["en", "es"], got ${quoteValueWithType(issue.input)}.`),
  })
  .min(1, { error: 'expected at least 1 language in "languages", got none. List the languages, the default first, such as ["en", "es"].' })
  .superRefine((languages, context) => {
    languages.forEach((language, index) => {
      const first = languages.indexOf(language);
      if (first === index) return;
      context.addIssue({ code: 'custom', path: [index], input: language, message: `language ${quoteValue(language)} is already listed at $.languages[${first}]. Remove it.` });
    });
  })
  .describe(
    'The languages the survey is written in, as BCP 47 tags such as "en", "es" or "pt-BR", the default first. Each translatable text is then a plain string in the default language, or an object with the text in each language, such as { "en": "Thanks!", "es": "¡Gracias!" }. Default: ["en"].',
  );

/** Creates the schema of one replaced message, which may use only the placeholders that message has. */
function messageTemplateSchema(id: MessageId) {
  const allowed = MESSAGE_PLACEHOLDERS[id] as readonly string[];
  const placeholders = allowed.length === 0 ? 'no placeholders' : `the placeholders ${allowed.map((name) => `{${name}}`).join(', ')}`;

  return nonEmptyText(`${id} message`)
    .superRefine((template, context) => {
      for (const written of unknownPlaceholders(id, template)) {
        context.addIssue({
          code: 'custom',
          input: template,
          message: `unknown placeholder ${written} in the ${id} message, which has ${placeholders}. Correct it, or remove the braces.`,
        });
      }
    })
    .describe(allowed.length === 0 ? `Replaces the ${id} message.` : `Replaces the ${id} message. It may use ${placeholders}.`);
}

const messageOverridesSchema = strictObject(
  'the messages of a language',
  Object.fromEntries(MESSAGE_IDS.map((id) => [id, messageTemplateSchema(id).optional()])) as Record<MessageId, z.ZodOptional<ReturnType<typeof messageTemplateSchema>>>,
);

export const messagesSchema = z
  .record(languageTagSchema(), messageOverridesSchema, {
    error: (issue) =>
      issue.input === undefined ? undefined : `expected "messages" as an object of messages by language, such as { "es": { "movingOn": "Sigamos." } }, got ${quoteValueWithType(issue.input)}.`,
  })
  .describe(
    `Replacements for the engine's own messages, by language and then by message: ${quoteList(MESSAGE_IDS)}. A message may use placeholders such as {count} in hints.`,
  );
