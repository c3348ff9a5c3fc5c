import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type ExportOptions, runExport, runExportCommand } from '../src/cli/export-command.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { NewAnswer, NewSession } from '../src/storage/tables.ts';
import { createHarness, writeSurvey, type Harness } from './support/harness.ts';

const POLL = {
  id: 'poll',
  title: 'Poll',
  keywords: ['POLL'],
  intro: 'Three questions.',
  expiresAfter: '1h',
  questions: [
    { id: 'channel', type: 'choice', text: 'How did you hear about us?', choices: ['Search', 'A friend', 'Social media'] },
    { id: 'score', type: 'nps', text: 'Score us 0-10.', maxRetries: 0 },
    { id: 'comment', type: 'text', text: 'Any comment?' },
  ],
  end: 'Thanks.',
};

const PICKS = {
  id: 'picks',
  title: 'Picks',
  keywords: ['PICKS'],
  questions: [
    { id: 'heard', type: 'choice', text: 'Who told you?', choices: ['Search', { label: 'A friend', value: 'friend' }, { label: 'Other', value: 'other', other: true }] },
    {
      id: 'contact',
      type: 'multi',
      text: 'How may we contact you?',
      choices: [{ label: 'Email', value: 'email' }, { label: 'SMS', value: 'sms' }, { label: 'Other', value: 'other', other: true }],
    },
  ],
  end: 'Thanks.',
};

const COMPLETED_PHONE = '+15555550101';
const PARTIAL_PHONE = '+15555550102';
const OPTED_OUT_PHONE = '+15555550103';
const EXPIRED_PHONE = '+15555550104';
const COMMENT = 'Fast, "friendly"\nservice';
const SALT = 'a-test-salt-of-32-characters-xyz';

const HEADER =
  'respondent,session_id,survey_id,survey_hash,status,started_at,ended_at,channel,channel_status,channel_label,score,score_status,comment,comment_status';

let harness: Harness;

afterEach(async () => {
  await harness?.close();
});

/** Writes into memory, for asserting exact output. */
function memoryOutput() {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { out, text: () => chunks.join('') };
}

async function exportText(options: ExportOptions): Promise<{ rows: number; text: string }> {
  const { out, text } = memoryOutput();
  const { rows } = await runExport(options, { db: harness.db, out });
  return { rows, text: text() };
}

async function textFrom(phone: string, ...bodies: string[]): Promise<void> {
  for (const body of bodies) {
    const response = await harness.text(body, { From: phone });
    expect(response.status).toBe(200);
  }
}

/**
 * Creates four responses: expired (session 1, started 12:00, expired at 14:00), then
 * completed (2, 14:00), partial (3, 14:01) and opted out (4, 14:02).
 */
async function startWithResponses(): Promise<string> {
  harness = await createHarness({ surveys: { 'poll.json': POLL } });

  await textFrom(EXPIRED_PHONE, 'POLL', '3');
  harness.clock.advance(2 * 3_600_000);
  expect(await harness.engine.expireSessions()).toBe(1);

  await textFrom(COMPLETED_PHONE, 'POLL', '2', '9', COMMENT);
  harness.clock.advance(60_000);
  await textFrom(PARTIAL_PHONE, 'POLL', '1', 'eleven');
  harness.clock.advance(60_000);
  await textFrom(OPTED_OUT_PHONE, 'POLL', 'A friend', 'STOP');

  return harness.catalog.get('poll')!.hash;
}

function csvLines(hash: string): Record<string, string> {
  return {
    expired: `${EXPIRED_PHONE},1,poll,${hash},expired,2026-12-04T12:00:00.000Z,2026-12-04T14:00:00.000Z,Social media,answered,Social media,,,,`,
    completed: `${COMPLETED_PHONE},2,poll,${hash},completed,2026-12-04T14:00:00.000Z,2026-12-04T14:00:00.000Z,A friend,answered,A friend,9,answered,"Fast, ""friendly""\nservice",answered`,
    partial: `${PARTIAL_PHONE},3,poll,${hash},partial,2026-12-04T14:01:00.000Z,,Search,answered,Search,,unanswered,,`,
    optedOut: `${OPTED_OUT_PHONE},4,poll,${hash},opted_out,2026-12-04T14:02:00.000Z,2026-12-04T14:02:00.000Z,A friend,answered,A friend,,,,`,
  };
}

describe('runExport', () => {
  it('writes every response as CSV', async () => {
    const hash = await startWithResponses();
    const lines = csvLines(hash);

    const { rows, text } = await exportText({ survey: 'poll' });

    expect(rows).toBe(4);
    expect(text).toBe([HEADER, lines.expired, lines.completed, lines.partial, lines.optedOut, ''].join('\r\n'));
  });

  it('writes NDJSON with typed values', async () => {
    const hash = await startWithResponses();

    const { rows, text } = await exportText({ survey: 'poll', format: 'ndjson' });
    const lines = text.split('\n');

    expect(rows).toBe(4);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(JSON.parse(lines[1]!)).toEqual({
      respondent: COMPLETED_PHONE,
      session_id: 2,
      survey_id: 'poll',
      survey_hash: hash,
      status: 'completed',
      started_at: '2026-12-04T14:00:00.000Z',
      ended_at: '2026-12-04T14:00:00.000Z',
      channel: 'A friend',
      channel_status: 'answered',
      channel_label: 'A friend',
      score: 9,
      score_status: 'answered',
      comment: COMMENT,
      comment_status: 'answered',
    });
    expect(JSON.parse(lines[2]!)).toMatchObject({ status: 'partial', ended_at: null, score: null, score_status: 'unanswered', comment_status: null });
  });

  it('writes JSON as one array', async () => {
    await startWithResponses();

    const { text: json } = await exportText({ survey: 'poll', format: 'json' });
    const { text: ndjson } = await exportText({ survey: 'poll', format: 'ndjson' });

    const parsed = JSON.parse(json) as unknown[];
    expect(parsed).toEqual(ndjson.trimEnd().split('\n').map((line) => JSON.parse(line)));
    expect(parsed.map((row) => (row as { status: string }).status)).toEqual(['expired', 'completed', 'partial', 'opted_out']);
  });

  it('writes an empty export', async () => {
    await startWithResponses();

    const csv = await exportText({ survey: 'poll', status: 'superseded' });
    const json = await exportText({ survey: 'poll', status: 'superseded', format: 'json' });
    const ndjson = await exportText({ survey: 'poll', status: 'superseded', format: 'ndjson' });

    expect(csv).toEqual({ rows: 0, text: `${HEADER}\r\n` });
    expect(json).toEqual({ rows: 0, text: '[]\n' });
    expect(ndjson).toEqual({ rows: 0, text: '' });
  });

  it.each([
    ['partial', ['partial']],
    ['completed,opted_out', ['completed', 'opted_out']],
    [' expired , partial ', ['expired', 'partial']],
  ])('filters by status %j', async (status, expected) => {
    await startWithResponses();

    const { text } = await exportText({ survey: 'poll', format: 'ndjson', status });

    const statuses = text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { status: string }).status);
    expect(statuses).toEqual(expected);
  });

  it.each([
    ['2026-12-04', [1, 2, 3, 4]],
    ['2026-12-05', []],
    ['2026-12-04T14:01', [3, 4]],
    ['2026-12-04T14:01:00.001Z', [4]],
    ['2026-12-04T15:00:00+01:00', [2, 3, 4]],
  ])('filters by since %j', async (since, expected) => {
    await startWithResponses();

    const { text } = await exportText({ survey: 'poll', format: 'json', since });

    expect((JSON.parse(text) as Array<{ session_id: number }>).map((row) => row.session_id)).toEqual(expected);
  });

  it('hashes phones with a salt', async () => {
    await startWithResponses();
    await textFrom(COMPLETED_PHONE, 'POLL');

    const { text } = await exportText({ survey: 'poll', format: 'ndjson', hashPhones: true, hashSalt: SALT });
    const respondents = text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { respondent: string }).respondent);

    expect(text).not.toContain('+1555');
    expect(text).not.toContain('5555550');
    expect(respondents).toHaveLength(5);
    for (const respondent of respondents) expect(respondent).toMatch(/^[0-9a-f]{64}$/);
    expect(respondents[4]).toBe(respondents[1]);
    expect(new Set(respondents).size).toBe(4);
    expect(respondents[1]).not.toBe(createHash('sha256').update(COMPLETED_PHONE).digest('hex'));
  });

  it('changes the hash with the salt', async () => {
    await startWithResponses();

    const first = await exportText({ survey: 'poll', format: 'json', hashPhones: true, hashSalt: SALT });
    const second = await exportText({ survey: 'poll', format: 'json', hashPhones: true, hashSalt: `${SALT}2` });

    const respondentOf = (text: string) => (JSON.parse(text) as Array<{ respondent: string }>)[0]!.respondent;
    expect(respondentOf(first.text)).not.toBe(respondentOf(second.text));
  });

  it('unions questions across survey versions', async () => {
    const oldHash = await startWithResponses();
    harness.clock.advance(60_000);
    writeSurvey(harness.surveysDir, 'poll.json', {
      ...POLL,
      questions: [{ id: 'again', type: 'yesno', text: 'Would you come again?' }, POLL.questions[0]],
    });
    await harness.catalog.load();
    const newHash = harness.catalog.get('poll')!.hash;
    await textFrom('+15555550105', 'POLL', 'no', '1');

    const { text } = await exportText({ survey: 'poll' });
    const lines = text.split('\r\n');

    expect(newHash).not.toBe(oldHash);
    expect(lines[0]).toBe(
      'respondent,session_id,survey_id,survey_hash,status,started_at,ended_at,again,again_status,channel,channel_status,channel_label,score,score_status,comment,comment_status',
    );
    expect(lines[5]).toBe(`+15555550105,5,poll,${newHash},completed,2026-12-04T14:03:00.000Z,2026-12-04T14:03:00.000Z,false,answered,Search,answered,Search,,,,`);
    expect(lines[2]).toBe(
      `${COMPLETED_PHONE},2,poll,${oldHash},completed,2026-12-04T14:00:00.000Z,2026-12-04T14:00:00.000Z,,,A friend,answered,A friend,9,answered,"Fast, ""friendly""\nservice",answered`,
    );
  });

  it('limits the header to versions in the export', async () => {
    await startWithResponses();
    writeSurvey(harness.surveysDir, 'poll.json', { ...POLL, questions: [{ id: 'again', type: 'yesno', text: 'Would you come again?' }] });
    await harness.catalog.load();
    harness.clock.advance(60_000);
    await textFrom('+15555550105', 'POLL');

    const { text } = await exportText({ survey: 'poll', status: 'opted_out' });

    expect(text.split('\r\n')[0]).toBe(HEADER);
  });
});

describe('runExport of choice answers', () => {
  /** Creates two responses to PICKS: plain choices (session 1), then "other" answers with text (session 2). */
  async function startWithChoices(): Promise<string> {
    harness = await createHarness({ surveys: { 'picks.json': PICKS } });
    await textFrom(COMPLETED_PHONE, 'PICKS', '2', '2, 1');
    await textFrom(PARTIAL_PHONE, 'PICKS', 'my cousin', '1, other: a fax');
    return harness.catalog.get('picks')!.hash;
  }

  it('adds label and other columns to CSV', async () => {
    const hash = await startWithChoices();

    const { text } = await exportText({ survey: 'picks' });

    expect(text.split('\r\n')).toEqual([
      'respondent,session_id,survey_id,survey_hash,status,started_at,ended_at,' +
        'heard,heard_status,heard_label,heard_other,contact,contact_status,contact_label,contact_other',
      `${COMPLETED_PHONE},1,picks,${hash},completed,2026-12-04T12:00:00.000Z,2026-12-04T12:00:00.000Z,friend,answered,A friend,,email; sms,answered,Email; SMS,`,
      `${PARTIAL_PHONE},2,picks,${hash},completed,2026-12-04T12:00:00.000Z,2026-12-04T12:00:00.000Z,other,answered,Other,my cousin,email; other,answered,Email; Other,a fax`,
      '',
    ]);
  });

  it('keeps multi answers as arrays in NDJSON and JSON', async () => {
    await startWithChoices();

    const { text: ndjson } = await exportText({ survey: 'picks', format: 'ndjson' });
    const { text: json } = await exportText({ survey: 'picks', format: 'json' });
    const rows = ndjson.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(rows[0]).toMatchObject({ heard: 'friend', heard_label: 'A friend', heard_other: null, contact: ['email', 'sms'], contact_label: ['Email', 'SMS'], contact_other: null });
    expect(rows[1]).toMatchObject({ heard: 'other', heard_label: 'Other', heard_other: 'my cousin', contact: ['email', 'other'], contact_label: ['Email', 'Other'], contact_other: 'a fax' });
    expect(JSON.parse(json)).toEqual(rows);
  });

  it('rejects a question id that is another choice question\'s label column', async () => {
    const questions = [PICKS.questions[0], { id: 'heard_label', type: 'text', text: 'Anything else?' }];
    harness = await createHarness({ surveys: { 'picks.json': { ...PICKS, questions } } });
    await textFrom(COMPLETED_PHONE, 'PICKS', '1');

    await expect(exportText({ survey: 'picks' })).rejects.toMatchObject({ code: 'EXPORT_COLUMN_CONFLICT' });
  });
});

describe('runExport errors', () => {
  it('rejects --hash-phones without a salt', async () => {
    await startWithResponses();

    await expect(exportText({ survey: 'poll', hashPhones: true })).rejects.toThrow(
      '--hash-phones requires a secret salt in the EXPORT_HASH_SALT environment variable. ' +
        'An unsalted hash of a phone number is reversible: there are few enough numbers (about 10^10 in North America) to hash them all and look each hash up. ' +
        'Set EXPORT_HASH_SALT to a random secret of at least 16 characters, such as the output of "openssl rand -hex 32", and reuse it to link respondents across exports.',
    );
  });

  it('rejects a short salt', async () => {
    await startWithResponses();

    await expect(exportText({ survey: 'poll', hashPhones: true, hashSalt: 'short' })).rejects.toThrow(
      'EXPORT_HASH_SALT is 5 characters long, but --hash-phones requires at least 16, because a short salt can be found by trying candidates. ' +
        'Use a random secret such as the output of "openssl rand -hex 32".',
    );
  });

  it('rejects an unknown survey id', async () => {
    await startWithResponses();

    await expect(exportText({ survey: 'pole' })).rejects.toMatchObject({
      code: 'SURVEY_NOT_FOUND',
      message: 'Survey "pole" has no responses in this database. Surveys with responses: poll.',
    });
  });

  it('rejects a survey id on an empty database', async () => {
    harness = await createHarness({ surveys: { 'poll.json': POLL } });

    await expect(exportText({ survey: 'poll' })).rejects.toThrow('Survey "poll" has no responses in this database. The database has no responses yet.');
  });

  it.each([
    [
      { status: 'completed,done' },
      '--status "done" is not a response status. Use one or more of completed, screened_out, partial, expired, opted_out, superseded, separated by commas.',
    ],
    [{ status: 'active' }, '--status "active" is not a response status. Use one or more of completed, screened_out, partial, expired, opted_out, superseded, separated by commas.'],
    [{ status: '' }, '--status "" is not a response status. Use one or more of completed, screened_out, partial, expired, opted_out, superseded, separated by commas.'],
    [{ format: 'xml' }, '--format "xml" is not supported. Use one of csv, json, ndjson.'],
    ...['yesterday', '2026-02-30', '2026-12-04T25:00Z', '04/12/2026', '2026-12-04 10:00'].map((since) => [
      { since },
      `--since ${JSON.stringify(since)} is not an ISO 8601 date or date-time. Write it like 2026-12-01 or 2026-12-01T09:30:00Z (a time without an offset is read as UTC).`,
    ]),
  ] as Array<[Partial<ExportOptions>, string]>)('rejects %j', async (options, message) => {
    await startWithResponses();

    await expect(exportText({ survey: 'poll', ...options })).rejects.toMatchObject({ code: 'INVALID_OPTION', message });
  });

  it('lists every invalid option', async () => {
    await startWithResponses();

    await expect(exportText({ survey: 'poll', format: 'xml', status: 'done' })).rejects.toThrow(
      '--format "xml" is not supported. Use one of csv, json, ndjson.\n--status "done" is not a response status.',
    );
  });
});

describe('runExportCommand', () => {
  it('writes the file and removes it on failure', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-export-'));
    const databaseFile = path.join(dir, 'parley.db');
    const db = openDatabase(databaseFile);
    await migrateToLatest(db);
    await insertSyntheticResponses(db, 3);
    await db.destroy();
    const out = path.join(dir, 'out.csv');
    const env = { DATABASE_URL: databaseFile, LOG_LEVEL: 'silent' };

    try {
      await runExportCommand({ survey: 'bulk', out }, env);
      expect(fs.readFileSync(out, 'utf8').split('\r\n')).toHaveLength(5);

      await expect(runExportCommand({ survey: 'missing', out }, env)).rejects.toMatchObject({ code: 'SURVEY_NOT_FOUND' });
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a missing database file', async () => {
    const missing = path.join(os.tmpdir(), 'parley-export-missing', 'parley.db');

    await expect(runExportCommand({ survey: 'poll' }, { DATABASE_URL: missing })).rejects.toThrow(
      `Database file ${JSON.stringify(missing)} does not exist. Set DATABASE_URL to the file the Parley server uses.`,
    );
  });
});

describe('runExport volume', () => {
  it('streams 20,000 responses', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    await insertSyntheticResponses(db, 20_000);

    let lines = 0;
    let bytes = 0;
    const out = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        const text = chunk.toString();
        bytes += text.length;
        lines += text.split('\r\n').length - 1;
        callback();
      },
    });

    try {
      const { rows } = await runExport({ survey: 'bulk' }, { db, out });
      expect(rows).toBe(20_000);
      expect(lines).toBe(20_001);
      expect(bytes).toBeGreaterThan(20_000 * 100);
    } finally {
      await db.destroy();
    }
  });
});

/** Inserts `count` completed sessions of a survey "bulk" with two answers each, in one transaction. */
async function insertSyntheticResponses(db: ReturnType<typeof openDatabase>, count: number): Promise<void> {
  const source = JSON.stringify({ ...POLL, id: 'bulk', keywords: ['BULK'] });
  const hash = createHash('sha256').update(source).digest('hex');
  const time = '2026-12-04T12:00:00.000Z';
  const batchSize = 500;

  await db.transaction().execute(async (trx) => {
    await trx.insertInto('survey_versions').values({ hash, survey_id: 'bulk', file: 'bulk.json', source, first_used_at: time }).execute();

    for (let first = 1; first <= count; first += batchSize) {
      const ids = Array.from({ length: Math.min(batchSize, count - first + 1) }, (_, index) => first + index);
      const sessions: NewSession[] = ids.map((id) => ({
        id,
        respondent: `+1555${String(id).padStart(7, '0')}`,
        channel: '+15555550100',
        survey_id: 'bulk',
        survey_hash: hash,
        status: 'completed',
        snapshot: '{}',
        started_at: time,
        last_activity_at: time,
        expires_at: time,
        ended_at: time,
      }));
      const answers: NewAnswer[] = ids.flatMap((id) => [
        { session_id: id, question_id: 'channel', status: 'answered', message_sid: null, raw_text: '2', value: '"A friend"', answered_at: time },
        { session_id: id, question_id: 'score', status: 'answered', message_sid: null, raw_text: '9', value: '9', answered_at: time },
      ]);
      await trx.insertInto('sessions').values(sessions).execute();
      await trx.insertInto('answers').values(answers).execute();
    }
  });
}
