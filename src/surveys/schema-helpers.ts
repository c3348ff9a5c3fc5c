import { z } from 'zod';
import { quoteValue, quoteValueWithType, unknownPropertiesMessage } from './validation-messages.ts';

// Cross-field checks run even when a field inside already failed, so a file's problems
// are all reported at once. Their input may then hold raw, unvalidated JSON values,
// but never the wrong container: an object check gets an object, a list check an array.
export const EVEN_WITH_FIELD_ERRORS = {
  when: (payload: z.core.ParsePayload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};
export const EVEN_WITH_ITEM_ERRORS = {
  when: (payload: z.core.ParsePayload) => Array.isArray(payload.value),
};

/** Creates a strict object whose own errors (unknown property, not an object) name the object. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(owner: string, shape: Shape) {
  const allowed = Object.keys(shape);

  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownPropertiesMessage(issue.keys, allowed, owner);
      if (issue.code === 'invalid_type' && issue.input !== undefined) {
        return `expected ${owner} as an object in curly braces { ... }, got ${quoteValueWithType(issue.input)}.`;
      }
      return undefined;
    },
  });
}

/** Creates a string schema that requires something other than whitespace. */
export function nonEmptyText(noun: string) {
  return z.string().regex(/\S/, {
    error: (issue) => `expected the ${noun}, got ${quoteValue(issue.input)}. Write the ${noun}.`,
  });
}

/**
 * The schemas of texts that a survey file may translate (see survey-translations.ts).
 * The file is validated per language with plain strings there, so only the JSON Schema
 * for editors, built by buildSurveyJsonSchema, also allows an object of translations.
 */
export const translatableTexts = z.registry<{ list: boolean }>();

/** Marks a text schema as translatable, and returns it. `list` marks a list of texts, such as aliases. */
export function translatable<Schema extends z.ZodType>(schema: Schema, { list = false }: { list?: boolean } = {}): Schema {
  translatableTexts.add(schema, { list });
  return schema;
}
