import { ParleyError } from '../errors.ts';
import type { Contact } from '../storage/tables.ts';

/** Added to an invitation that does not already tell the recipient how to opt out. */
export const OPT_OUT_HINT = 'Reply STOP to opt out.';

const MENTIONS_STOP = /\bSTOP\b/i;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** Joins the non-empty parts with a blank line, as the engine's replies are. */
export function joinParagraphs(...parts: Array<string | undefined>): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join('\n\n');
}

/** Appends the opt-out hint, in English unless another is given, unless the text already mentions STOP. */
export function withOptOutHint(text: string, hint = OPT_OUT_HINT): string {
  return MENTIONS_STOP.test(text) ? text : joinParagraphs(text, hint);
}

/** Returns the values a link-mode text can use: `{{link}}`, `{{title}}`, the contact's names and phone, and every extra CSV column. */
export function placeholderValues(contact: Contact, extra: Record<string, string>): Record<string, string> {
  const fields = JSON.parse(contact.fields) as Record<string, string>;
  const own = { ...fields, phone: contact.phone, first_name: contact.first_name ?? '', last_name: contact.last_name ?? '' };
  // Survey texts name contact fields as {{contact.first_name}}, so link mode takes that form too.
  const prefixed = Object.fromEntries(Object.entries(own).map(([name, value]) => [`contact.${name}`, value]));
  return { ...own, ...prefixed, ...extra };
}

/** Names in `{{...}}` placeholders of a template, in order of first use. */
export function placeholderNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/**
 * Fills `{{name}}` placeholders from `values`.
 *
 * @throws ParleyError naming a placeholder that has no value, and the names that do.
 */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new ParleyError(
        'UNKNOWN_PLACEHOLDER',
        `{{${name}}} is not a contact field (in --link or --text). Use one of: ${Object.keys(values)
          .filter((key) => !key.startsWith('contact.'))
          .map((key) => `{{${key}}}`)
          .join(', ')}, also written as {{contact.name}}.`,
      );
    }
    return value;
  });
}
