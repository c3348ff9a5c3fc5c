/** Form fields as Twilio posted them; a key sent more than once maps to all its values in order. */
export type WebhookFields = Record<string, string | string[]>;

/**
 * Parses an `application/x-www-form-urlencoded` body without trimming or
 * re-encoding anything, because the signature covers the values exactly as sent.
 * The result has no prototype, so a field named `__proto__` is just a field.
 */
export function parseWebhookForm(body: string): WebhookFields {
  const fields: WebhookFields = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = fields[key];
    if (existing === undefined) fields[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[key] = [existing, value];
  }
  return fields;
}

/** Returns a field's value, or its first value when the key was repeated. */
export function firstValue(fields: WebhookFields, key: string): string | undefined {
  const value = fields[key];
  return Array.isArray(value) ? value[0] : value;
}
