/** A choice as a survey file writes it: its label alone, or an object with more settings. */
export type ChoiceInput =
  | string
  | { label: string; value?: string | undefined; aliases?: string[] | undefined; other?: boolean | undefined };

/** A choice with every setting resolved. */
export interface ChoiceOption {
  /** Text sent in the question's numbered list. */
  label: string;
  /** What an answer stores when this choice is picked: the `value` of the file, or else the label. */
  value: string;
  /** Other replies that pick this choice, matched like the label. */
  aliases: string[];
  /** Whether this choice also takes the respondent's own words, stored as `{ value, text }`. */
  other: boolean;
}

/** Resolves a choice of a survey file, so that a plain string is a choice whose value is its label. */
export function toChoiceOption(choice: ChoiceInput): ChoiceOption {
  if (typeof choice === 'string') return { label: choice, value: choice, aliases: [], other: false };

  return { label: choice.label, value: choice.value ?? choice.label, aliases: choice.aliases ?? [], other: choice.other ?? false };
}

/** Returns the text of a choice as the question lists it. */
export function choiceLabel(choice: ChoiceInput): string {
  return typeof choice === 'string' ? choice : choice.label;
}
