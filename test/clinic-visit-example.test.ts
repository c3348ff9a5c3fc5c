import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConversationTests } from '../src/cli/test-command.ts';
import { checkSurveySources } from '../src/surveys/survey-check.ts';
import { createHarness, REPO_SURVEYS_DIR, type Harness } from './support/harness.ts';

// The example of the multi, rating and date types and of choice objects. It is not in
// EXAMPLE_SURVEY_FILES, so the tests of the other examples do not change with it.
const SURVEY_FILE = 'clinic-visit.json';
const TEST_FILE = 'clinic-visit.yaml';

let dir: string | undefined;
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('clinic-visit example', () => {
  it('passes parley check without findings', () => {
    const source = fs.readFileSync(path.join(REPO_SURVEYS_DIR, SURVEY_FILE), 'utf8');

    const [report] = checkSurveySources([{ file: SURVEY_FILE, source }]);

    expect(report!.surveyId).toBe('clinic-visit');
    expect(report!.findings).toEqual([]);
  });

  it('passes its conversation test', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-clinic-visit-'));
    fs.mkdirSync(path.join(dir, 'tests'));
    fs.copyFileSync(path.join(REPO_SURVEYS_DIR, SURVEY_FILE), path.join(dir, SURVEY_FILE));
    fs.copyFileSync(path.join(REPO_SURVEYS_DIR, 'tests', TEST_FILE), path.join(dir, 'tests', TEST_FILE));
    const lines: string[] = [];

    const exitCode = await runConversationTests([], { surveysDir: dir, out: (line) => lines.push(line) });

    expect(lines).toEqual([`PASS ${path.join(dir, 'tests', TEST_FILE)} (8 steps)`, '1 passed, 0 failed']);
    expect(exitCode).toBe(0);
  });

  it('stores each answer in its type shape', async () => {
    const survey: unknown = JSON.parse(fs.readFileSync(path.join(REPO_SURVEYS_DIR, SURVEY_FILE), 'utf8'));
    harness = await createHarness({ surveys: { [SURVEY_FILE]: survey } });

    for (const body of ['VISIT', '3 December 2026', '2 and front desk', 'four', 'my cousin told me']) {
      expect((await harness.text(body)).status).toBe(200);
    }
    const answers = await harness.db.selectFrom('answers').select(['question_id', 'value']).orderBy('id').execute();

    expect(answers.map(({ question_id, value }) => [question_id, JSON.parse(value!)])).toEqual([
      ['visited', '2026-12-03'],
      ['seen_by', ['A nurse', 'reception']],
      ['waiting', 4],
      ['found_us', { value: 'other', text: 'my cousin told me' }],
    ]);
  });
});
