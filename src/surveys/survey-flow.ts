import type { Condition } from '../engine/conditions.ts';
import { DEFAULT_END_ID } from './logic-schema.ts';

/** The parts of a survey entry that decide where a survey goes. */
export interface FlowItem {
  id: string;
  type: string;
  showIf?: Condition | undefined;
  next?: ReadonlyArray<{ if?: Condition | undefined; goto: string }> | undefined;
}

export interface FlowSurvey {
  questions: readonly FlowItem[];
  ends?: Readonly<Record<string, { screenOut?: boolean | undefined }>> | undefined;
}

/**
 * One way from a survey entry to the next: a `next` rule (`rule`, with `ruleIndex`),
 * the following entry when no rule applies (`following`), or the following entry when
 * `showIf` does not hold (`hidden`). A language question also has a `hidden` way without
 * a condition, taken when the respondent's contact record gives the language.
 */
export interface FlowEdge {
  from: string;
  to: string;
  kind: 'rule' | 'following' | 'hidden';
  condition?: Condition | undefined;
  ruleIndex?: number;
}

/** Returns the id of the entry after `index` in file order, or the default end after the last one. */
export function followingId(survey: FlowSurvey, index: number): string {
  return survey.questions[index + 1]?.id ?? DEFAULT_END_ID;
}

/** Tells whether `id` can be a `goto` target: a question, the default end, or a named end. */
export function isKnownTarget(survey: FlowSurvey, id: string): boolean {
  return id === DEFAULT_END_ID || survey.questions.some((item) => item.id === id) || (survey.ends !== undefined && Object.hasOwn(survey.ends, id));
}

/** Lists every way through the survey. Rules with unknown targets are left out, because the schema reports them. */
export function flowEdges(survey: FlowSurvey): FlowEdge[] {
  const edges: FlowEdge[] = [];

  survey.questions.forEach((item, index) => {
    const following = followingId(survey, index);
    if (item.showIf !== undefined) {
      edges.push({ from: item.id, to: following, kind: 'hidden', condition: { not: item.showIf } });
    } else if (item.type === 'language') {
      edges.push({ from: item.id, to: following, kind: 'hidden' });
    }

    const rules = item.next ?? [];
    rules.forEach((rule, ruleIndex) => {
      if (isKnownTarget(survey, rule.goto)) {
        edges.push({ from: item.id, to: rule.goto, kind: 'rule', condition: rule.if, ruleIndex });
      }
    });
    // A rule without "if" always applies, so nothing after it is ever used.
    if (!rules.some((rule) => rule.if === undefined)) {
      edges.push({ from: item.id, to: following, kind: 'following' });
    }
  });
  return edges;
}

/** Collects the ids reachable from the first entry, following every edge whatever its condition. */
export function reachableIds(survey: FlowSurvey, edges: readonly FlowEdge[] = flowEdges(survey)): Set<string> {
  const first = survey.questions[0]?.id;
  if (first === undefined) return new Set();
  return reachableFrom(first, edges);
}

function reachableFrom(start: string, edges: readonly FlowEdge[]): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const edge of edges) {
      if (edge.from === id && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}

/** Finds the shortest chain of ids from `from` to `to`, both included, or undefined when there is none. */
export function findPath(from: string, to: string, edges: readonly FlowEdge[]): string[] | undefined {
  const previous = new Map<string, string>();
  const seen = new Set([from]);
  const queue = [from];

  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (id === to) {
      const path = [to];
      for (let step = previous.get(to); step !== undefined; step = previous.get(step)) path.unshift(step);
      return path;
    }
    for (const edge of edges) {
      if (edge.from === id && !seen.has(edge.to)) {
        seen.add(edge.to);
        previous.set(edge.to, id);
        queue.push(edge.to);
      }
    }
  }
  return undefined;
}
