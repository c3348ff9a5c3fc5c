import { toChoiceOption } from '../surveys/choice-option.ts';
import type { Survey } from '../surveys/survey-schema.ts';

/** The choices of one choice or multi question in one survey version, as an export needs them. */
export interface ChoiceLookup {
  /** Label of each choice, by the value its answers store. */
  labelByValue: ReadonlyMap<string, string>;
  hasOther: boolean;
}

/** Builds the choice lookups of a survey version's choice and multi questions, by question id. */
export function choiceLookupsOf(survey: Survey): Map<string, ChoiceLookup> {
  const lookups = new Map<string, ChoiceLookup>();

  for (const question of survey.questions) {
    if (question.type !== 'choice' && question.type !== 'multi') continue;
    const options = question.choices.map(toChoiceOption);
    lookups.set(question.id, {
      labelByValue: new Map(options.map((option) => [option.value, option.label])),
      hasOther: options.some((option) => option.other),
    });
  }
  return lookups;
}

/** The export cells of one choice or multi answer. A multi answer gives lists in option order. */
export interface ChoiceCells {
  value: string | string[] | null;
  label: string | string[] | null;
  /** The respondent's own words for a choice marked `other`, or null when that choice was not picked. */
  other: string | null;
}

/**
 * Splits a stored choice or multi answer into its export cells: the value as stored, its
 * label from the version the session used, and the text of an `other` choice. A value
 * that the version has no choice for gets a null label.
 */
export function choiceCells(stored: unknown, lookup: ChoiceLookup): ChoiceCells {
  const items = Array.isArray(stored) ? (stored as unknown[]) : [stored];
  const values: string[] = [];
  let other: string | null = null;

  for (const item of items) {
    if (typeof item === 'string') {
      values.push(item);
    } else if (typeof item === 'object' && item !== null && typeof (item as { value?: unknown }).value === 'string') {
      const { value, text } = item as { value: string; text?: unknown };
      values.push(value);
      other = typeof text === 'string' ? text : '';
    }
  }

  // Answers are parsed against the version their session is pinned to, so only a row written by other means lacks a choice here.
  const labels = values.map((value) => lookup.labelByValue.get(value) ?? null);
  if (Array.isArray(stored)) {
    return { value: values, label: labels.every((label) => label !== null) ? (labels as string[]) : null, other };
  }
  return { value: values[0] ?? null, label: labels[0] ?? null, other };
}
