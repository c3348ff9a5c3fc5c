import type { AnswerValue, RecordedAnswer } from './conditions.ts';

/**
 * A computed score: the sum of the numeric values of some answers. A number answer
 * counts as itself, a yes/no answer as 1 or 0, and a choice answer as the number that
 * `values` gives the choice's value (`values` may also override "yes" and "no").
 */
export interface ScoreDefinition {
  sum: string[];
  values?: Record<string, number> | undefined;
  /** Value counted for a question without an answer. When undefined, such a question leaves the score missing. */
  missing?: number | undefined;
}

/**
 * Computes every score from the answers so far. A score is left out while one of its
 * questions has no answer and the score sets no `missing` value, so a condition on it
 * is false and piping it shows its fallback.
 */
export function computeScores(
  definitions: Readonly<Record<string, ScoreDefinition>>,
  answers: Readonly<Record<string, RecordedAnswer>>,
): Record<string, number> {
  const scores: Record<string, number> = {};

  for (const [id, definition] of Object.entries(definitions)) {
    let total = 0;
    let complete = true;
    for (const questionId of definition.sum) {
      const recorded = Object.hasOwn(answers, questionId) ? answers[questionId] : undefined;
      const value = recorded?.status === 'answered' ? numericValue(recorded.value, definition.values) : undefined;
      if (value !== undefined) {
        total += value;
      } else if (definition.missing !== undefined) {
        total += definition.missing;
      } else {
        complete = false;
        break;
      }
    }
    if (complete) scores[id] = total;
  }
  return scores;
}

/** The number an answer counts as in a score, or undefined when it has none. */
export function numericValue(value: AnswerValue, values: Readonly<Record<string, number>> | undefined): number | undefined {
  if (typeof value === 'number') return value;

  if (typeof value === 'boolean') {
    const key = value ? 'yes' : 'no';
    if (values !== undefined && Object.hasOwn(values, key)) return values[key];
    return value ? 1 : 0;
  }
  // NOTE: a multi answer picks several choices, so it has no single number and counts as none.
  const key = typeof value === 'string' ? value : Array.isArray(value) ? undefined : value.value;
  return key !== undefined && values !== undefined && Object.hasOwn(values, key) ? values[key] : undefined;
}
