import { normalizeForMatching } from './answers/normalize.ts';

/**
 * A parsed answer as the engine stores it: a choice's value, a number, true or false,
 * text, a date as "YYYY-MM-DD", a choice marked `other` with the respondent's own words,
 * or the choices of a multi question in option order.
 */
export type AnswerValue = string | number | boolean | { value: string; text: string } | Array<string | { value: string; text: string }>;

/** The outcome a session records for one question it asked. */
export type RecordedAnswer = { status: 'answered'; value: AnswerValue } | { status: 'unanswered' } | { status: 'skipped' };

/** A value a condition compares an answer or a score with. */
export type ConditionValue = string | number | boolean;

/** Tests on a value. A condition with several of them holds when all of them do. */
export interface ValueTests {
  equals?: ConditionValue;
  in?: ConditionValue[];
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
}

export const VALUE_TESTS = ['equals', 'in', 'lt', 'lte', 'gt', 'gte'] as const;
export const NUMBER_TESTS = ['lt', 'lte', 'gt', 'gte'] as const;

export type AnswerCondition = { answer: string; answered?: boolean; skipped?: boolean } & ValueTests;
export type ScoreCondition = { score: string } & ValueTests;

/**
 * A condition on earlier answers and on scores, written in a survey's `showIf` and
 * `next` rules. `all`, `any` and `not` combine conditions.
 */
export type Condition = AnswerCondition | ScoreCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** The facts a condition is evaluated against: the answers so far and the scores computed from them. */
export interface ConditionFacts {
  answers: Readonly<Record<string, RecordedAnswer>>;
  /** Scores by id. A score whose questions are not all answered is missing. */
  scores: Readonly<Record<string, number>>;
}

/**
 * Evaluates a condition. A value test on a question that has no answer (never asked,
 * not shown, skipped or unanswered) or on a missing score is false, so `not` of it is true.
 */
export function evaluateCondition(condition: Condition, facts: ConditionFacts): boolean {
  if ('all' in condition) return condition.all.every((part) => evaluateCondition(part, facts));
  if ('any' in condition) return condition.any.some((part) => evaluateCondition(part, facts));
  if ('not' in condition) return !evaluateCondition(condition.not, facts);

  if ('score' in condition) {
    const score = Object.hasOwn(facts.scores, condition.score) ? facts.scores[condition.score] : undefined;
    return score !== undefined && passesValueTests(score, condition);
  }

  const recorded = Object.hasOwn(facts.answers, condition.answer) ? facts.answers[condition.answer] : undefined;
  if (condition.answered !== undefined && (recorded?.status === 'answered') !== condition.answered) return false;
  if (condition.skipped !== undefined && (recorded?.status === 'skipped') !== condition.skipped) return false;
  if (!VALUE_TESTS.some((test) => condition[test] !== undefined)) return true;
  return recorded?.status === 'answered' && passesValueTests(recorded.value, condition);
}

function passesValueTests(value: AnswerValue, tests: ValueTests): boolean {
  if (tests.equals !== undefined && !sameValue(value, tests.equals)) return false;
  if (tests.in !== undefined && !tests.in.some((candidate) => sameValue(value, candidate))) return false;

  const hasNumberTest = NUMBER_TESTS.some((test) => tests[test] !== undefined);
  if (!hasNumberTest) return true;
  if (typeof value !== 'number') return false;
  return (
    (tests.lt === undefined || value < tests.lt) &&
    (tests.lte === undefined || value <= tests.lte) &&
    (tests.gt === undefined || value > tests.gt) &&
    (tests.gte === undefined || value >= tests.gte)
  );
}

/**
 * Compares text as replies are matched (ignoring case, accents and edge punctuation), and
 * other values exactly. A multi answer matches when one of its choices does, and an
 * "other" answer by its choice's value.
 */
function sameValue(value: AnswerValue, expected: ConditionValue): boolean {
  if (Array.isArray(value)) return value.some((item) => sameValue(item, expected));
  if (typeof value === 'object') return sameValue(value.value, expected);
  if (typeof value === 'string' && typeof expected === 'string') return normalizeForMatching(value) === normalizeForMatching(expected);
  return value === expected;
}

/** Lists the question ids and score ids a condition refers to, each with its JSON path inside the condition. */
export function conditionReferences(condition: Condition, path: readonly (string | number)[] = []): ConditionReference[] {
  if ('all' in condition) return condition.all.flatMap((part, index) => conditionReferences(part, [...path, 'all', index]));
  if ('any' in condition) return condition.any.flatMap((part, index) => conditionReferences(part, [...path, 'any', index]));
  if ('not' in condition) return conditionReferences(condition.not, [...path, 'not']);
  if ('score' in condition) return [{ kind: 'score', id: condition.score, condition, path }];
  return [{ kind: 'answer', id: condition.answer, condition, path }];
}

export type ConditionReference =
  | { kind: 'answer'; id: string; condition: AnswerCondition; path: readonly (string | number)[] }
  | { kind: 'score'; id: string; condition: ScoreCondition; path: readonly (string | number)[] };
