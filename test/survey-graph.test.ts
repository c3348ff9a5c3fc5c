import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRAPH_EXIT, runGraph } from '../src/cli/graph-command.ts';

const SCREENER = {
  id: 'screener',
  title: 'Screener',
  keywords: ['SCREEN'],
  questions: [
    { id: 'welcome', type: 'message', text: 'Three "quick" questions.' },
    {
      id: 'age',
      type: 'number',
      text: 'How old are you? Reply with a whole number of years, please.',
      next: [
        { if: { answer: 'age', lt: 18 }, goto: 'minor' },
        { if: { any: [{ answer: 'age', gte: 90 }, { not: { answer: 'age', answered: true } }] }, goto: 'end' },
      ],
    },
    { id: 'smoke', type: 'yesno', text: 'Do you smoke?', optional: true },
    { id: 'daily', type: 'number', text: 'How many a day?', showIf: { answer: 'smoke', equals: true } },
    { id: 'mood', type: 'choice', text: 'Mood?', choices: ['Good', 'Bad'], next: [{ if: { score: 'risk', gte: 2 }, goto: 'call' }, { goto: 'end' }] },
    { id: 'call', type: 'yesno', text: 'May we call you?' },
  ],
  scores: { risk: { sum: ['smoke', 'mood'], values: { Good: 0, Bad: 1 } } },
  ends: { minor: { text: 'Adults only.', screenOut: true } },
  end: 'Thanks.',
};

const EXPECTED_CHART = [
  'flowchart TD',
  '  q0[/"welcome: Three #quot;quick#quot; questions."/]',
  '  q1["age: How old are you? Reply with a whole n..."]',
  '  q2["smoke: Do you smoke?"]',
  '  q3["daily: How many a day?"]',
  '  q4["mood: Mood?"]',
  '  q5["call: May we call you?"]',
  '  end_default(["end: Thanks."])',
  '  end0(["minor (screened out): Adults only."])',
  '  start((start)) --> q0',
  '  q0 --> q1',
  '  q1 -->|"age < 18"| end0',
  '  q1 -->|"age >= 90 or not age answered"| end_default',
  '  q1 -->|otherwise| q2',
  '  q2 --> q3',
  '  q3 -.->|hidden| q4',
  '  q3 --> q4',
  '  q4 -->|"score risk >= 2"| q5',
  '  q4 -->|"always"| end_default',
  '  q5 --> end_default',
].join('\n');

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-graph-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function graph(survey: string): Promise<{ exitCode: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const exitCode = await runGraph(survey, { surveysDir: dir, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { exitCode, out, err };
}

describe('parley graph', () => {
  it('prints a flowchart by survey id', async () => {
    await writeFile(path.join(dir, 'screener.json'), JSON.stringify(SCREENER));
    const { exitCode, out, err } = await graph('screener');
    expect(exitCode).toBe(GRAPH_EXIT.ok);
    expect(out).toEqual([EXPECTED_CHART]);
    expect(err).toEqual([]);
  });

  it('prints a flowchart by file', async () => {
    const file = path.join(dir, 'screener.json');
    await writeFile(file, JSON.stringify(SCREENER));
    const { exitCode, out } = await graph(file);
    expect(exitCode).toBe(GRAPH_EXIT.ok);
    expect(out).toEqual([EXPECTED_CHART]);
  });

  it('lists the ids when none matches', async () => {
    await writeFile(path.join(dir, 'screener.json'), JSON.stringify(SCREENER));
    const { exitCode, out, err } = await graph('screen');
    expect(exitCode).toBe(GRAPH_EXIT.notFound);
    expect(out).toEqual([]);
    expect(err).toEqual([`parley graph: no survey file or survey id "screen". The surveys in ${dir} are: screener.`]);
  });

  it('reports an invalid file', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, JSON.stringify({ ...SCREENER, questions: [{ id: 'q1', type: 'yesno', text: 'Q?', next: [{ goto: 'nowhere' }] }] }));
    const { exitCode, err } = await graph(file);
    expect(exitCode).toBe(GRAPH_EXIT.invalid);
    expect(err[0]).toBe(`parley graph: ${file} is invalid; run parley check ${file} for details:`);
    expect(err[1]).toMatch(/^ {2}\$\.questions\[0\]\.next\[0\]\.goto \(line 1, column \d+\): goto "nowhere" is not a question or an end of this survey\./);
  });
});
