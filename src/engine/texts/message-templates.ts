/**
 * The engine's messages that a survey may replace, per language, in its `messages`, and
 * the placeholders each replacement may use, such as `{count}` in
 * "Responda con un número del 1 al {count}.".
 */
export const MESSAGE_PLACEHOLDERS = {
  help: ['programName'],
  optOut: ['programName'],
  optIn: ['programName'],
  movingOn: [],
  closed: ['title', 'keywords'],
  choiceHint: ['count'],
  otherChoiceHint: ['count', 'other'],
  multiHint: ['count', 'min', 'max', 'example', 'other'],
  numberHint: ['min', 'max'],
  npsHint: [],
  ratingHint: ['min', 'max'],
  yesNoHint: [],
  textHint: [],
  dateHint: ['example'],
  noSuchDateHint: ['date', 'example'],
  skipHint: ['skipWord'],
} as const satisfies Record<string, readonly string[]>;

export type MessageId = keyof typeof MESSAGE_PLACEHOLDERS;
export const MESSAGE_IDS = Object.keys(MESSAGE_PLACEHOLDERS) as MessageId[];

/** A survey's replacements for the engine's messages in one language, by message id. */
export type MessageOverrides = Partial<Record<MessageId, string>>;

/** The values of one message's placeholders. */
export type MessageValues<Id extends MessageId> = Record<(typeof MESSAGE_PLACEHOLDERS)[Id][number], string | number>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Replaces each `{name}` in a template with its value. Names without a value stay as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (written, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : written));
}

/** Lists the `{...}` placeholders of a template that the message does not have, as written, braces included. */
export function unknownPlaceholders(id: MessageId, template: string): string[] {
  const allowed: readonly string[] = MESSAGE_PLACEHOLDERS[id];
  return [...template.matchAll(PLACEHOLDER)].filter((match) => !allowed.includes(match[1]!)).map((match) => match[0]);
}
