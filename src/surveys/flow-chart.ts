import type { Condition, ConditionValue, ValueTests } from '../engine/conditions.ts';
import { DEFAULT_END_ID } from './logic-schema.ts';
import { flowEdges } from './survey-flow.ts';
import type { Survey } from './survey-schema.ts';

const MAX_LABEL_TEXT = 40;

/**
 * Renders a survey's flow as a Mermaid `flowchart`: one node per question (a box),
 * message (a parallelogram) and end (a stadium), and one arrow per way between them.
 * A `next` rule's arrow carries its condition, the following entry after rules is
 * labelled "otherwise", and the way past a hidden entry is dotted.
 *
 * @example
 * renderFlowChart(survey);
 * // flowchart TD
 * //   start((start)) --> q0
 * //   q0["age: How old are you?"]
 * //   ...
 */
export function renderFlowChart(survey: Survey): string {
  const nodeIds = new Map<string, string>();
  const lines = ['flowchart TD'];

  survey.questions.forEach((item, index) => {
    const id = `q${index}`;
    nodeIds.set(item.id, id);
    const label = quoteLabel(`${item.id}: ${shorten(item.text)}`);
    lines.push(item.type === 'message' ? `  ${id}[/${label}/]` : `  ${id}[${label}]`);
  });

  nodeIds.set(DEFAULT_END_ID, 'end_default');
  lines.push(`  end_default([${quoteLabel(`end: ${shorten(survey.end)}`)}])`);
  Object.entries(survey.ends).forEach(([endId, end], index) => {
    const id = `end${index}`;
    nodeIds.set(endId, id);
    const screened = end.screenOut === true ? ' (screened out)' : '';
    lines.push(`  ${id}([${quoteLabel(`${endId}${screened}: ${shorten(end.text)}`)}])`);
  });

  lines.push(`  start((start)) --> ${nodeIds.get(survey.questions[0]!.id)}`);
  for (const edge of flowEdges(survey)) {
    const from = nodeIds.get(edge.from)!;
    const to = nodeIds.get(edge.to)!;
    const hasRules = (survey.questions.find((item) => item.id === edge.from)?.next ?? []).length > 0;

    if (edge.kind === 'hidden') {
      lines.push(`  ${from} -.->|hidden| ${to}`);
    } else if (edge.kind === 'following') {
      lines.push(hasRules ? `  ${from} -->|otherwise| ${to}` : `  ${from} --> ${to}`);
    } else {
      const label = edge.condition === undefined ? 'always' : describeCondition(edge.condition);
      lines.push(`  ${from} -->|${quoteLabel(label)}| ${to}`);
    }
  }
  return lines.join('\n');
}

/** Describes a condition in one short line, such as `age < 18 and city answered`. */
export function describeCondition(condition: Condition): string {
  if ('all' in condition) return condition.all.map(grouped).join(' and ');
  if ('any' in condition) return condition.any.map(grouped).join(' or ');
  if ('not' in condition) return `not ${grouped(condition.not)}`;

  const subject = 'score' in condition ? `score ${condition.score}` : condition.answer;
  const parts = describeTests(subject, condition);
  if ('answer' in condition) {
    if (condition.answered !== undefined) parts.push(`${subject} ${condition.answered ? 'answered' : 'not answered'}`);
    if (condition.skipped !== undefined) parts.push(`${subject} ${condition.skipped ? 'skipped' : 'not skipped'}`);
  }
  return parts.join(' and ');
}

function grouped(condition: Condition): string {
  const described = describeCondition(condition);
  return / (and|or) /.test(described) ? `(${described})` : described;
}

function describeTests(subject: string, tests: ValueTests): string[] {
  const parts: string[] = [];
  if (tests.equals !== undefined) parts.push(`${subject} = ${formatValue(tests.equals)}`);
  if (tests.in !== undefined) parts.push(`${subject} in ${tests.in.map(formatValue).join(', ')}`);
  if (tests.lt !== undefined) parts.push(`${subject} < ${tests.lt}`);
  if (tests.lte !== undefined) parts.push(`${subject} <= ${tests.lte}`);
  if (tests.gt !== undefined) parts.push(`${subject} > ${tests.gt}`);
  if (tests.gte !== undefined) parts.push(`${subject} >= ${tests.gte}`);
  return parts;
}

function formatValue(value: ConditionValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const characters = [...oneLine];
  return characters.length <= MAX_LABEL_TEXT ? oneLine : `${characters.slice(0, MAX_LABEL_TEXT - 3).join('')}...`;
}

/** Quotes a Mermaid label. Mermaid reads `#quot;` as a double quote inside one. */
function quoteLabel(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}
