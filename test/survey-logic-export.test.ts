import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runExport } from '../src/cli/export-command.ts';
import { createHarness, type Harness } from './support/harness.ts';

const SCREENER = {
  id: 'screener',
  title: 'Screener',
  keywords: ['SCREEN'],
  questions: [
    { id: 'age', type: 'number', text: 'Your age?', integer: true, next: [{ if: { answer: 'age', lt: 18 }, goto: 'minor' }] },
    { id: 'note', type: 'message', text: 'Two more.' },
    { id: 'a', type: 'choice', text: 'A?', choices: ['Low', 'High'] },
    { id: 'b', type: 'choice', text: 'B?', choices: ['Low', 'High'], optional: true },
  ],
  scores: { total: { sum: ['a', 'b'], values: { Low: 0, High: 1 } } },
  ends: { minor: { text: 'Sorry, adults only.', screenOut: true } },
  end: 'Thanks.',
};

let harness: Harness;

afterEach(async () => {
  await harness?.close();
});

async function exportRows(status?: string): Promise<Array<Record<string, unknown>>> {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  await runExport({ survey: 'screener', format: 'ndjson', status }, { db: harness.db, out });
  return chunks.join('').trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function takeSurvey(from: string, replies: string[]): Promise<void> {
  for (const body of replies) {
    const response = await harness.text(body, { From: from });
    expect(response.status).toBe(200);
  }
}

describe('export of survey logic', () => {
  it('shows screened_out, scores and skips', async () => {
    harness = await createHarness({ surveys: { 'screener.json': SCREENER } });
    await takeSurvey('+15555550201', ['SCREEN', '16']);
    await takeSurvey('+15555550202', ['SCREEN', '40', 'High', 'High']);
    await takeSurvey('+15555550203', ['SCREEN', '40', 'Low', 'skip']);

    const rows = await exportRows();
    expect(Object.keys(rows[0]!)).toEqual([
      'respondent', 'session_id', 'survey_id', 'survey_hash', 'status', 'started_at', 'ended_at',
      'age', 'age_status', 'a', 'a_status', 'a_label', 'b', 'b_status', 'b_label', 'total',
    ]);
    expect(rows.map((row) => row.status)).toEqual(['screened_out', 'completed', 'completed']);
    expect(rows.map((row) => row.total)).toEqual([null, 2, null]);
    expect(rows.map((row) => row.a_status)).toEqual([null, 'answered', 'answered']);
    expect(rows.map((row) => row.b_status)).toEqual([null, 'answered', 'skipped']);
  });

  it('filters by --status screened_out', async () => {
    harness = await createHarness({ surveys: { 'screener.json': SCREENER } });
    await takeSurvey('+15555550201', ['SCREEN', '16']);
    await takeSurvey('+15555550202', ['SCREEN', '40', 'High', 'High']);

    const rows = await exportRows('screened_out');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.respondent).toBe('+15555550201');
    expect(rows[0]!.age).toBe(16);
  });
});
