import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStatus, runStatusCommand, type StatusOptions } from '../src/cli/status-command.ts';
import { openDatabase } from '../src/storage/database.ts';
import { groupInvite, listDistributions, loadDistributionReport } from '../src/storage/distribution-report.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { Database, DeliveryStatus, OutboxState } from '../src/storage/tables.ts';
import { insertDistribution, insertOutboundMessage, insertSession } from './support/distribution-rows.ts';
import { runParley } from './support/processes.ts';

let dir: string;
let databaseFile: string;
let db: Kysely<Database>;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-status-'));
  databaseFile = path.join(dir, 'parley.db');
  db = openDatabase(databaseFile);
  await migrateToLatest(db);
});

afterEach(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

let sidCounter = 0;
function sid(): string {
  sidCounter += 1;
  return `SM${sidCounter.toString(16).padStart(32, '0')}`;
}

function phone(n: number): string {
  return `+1555555${String(200 + n).padStart(4, '0')}`;
}

/**
 * Seeds a distribution of 14 invites: 2 pending, 2 sent, 3 delivered (2 answered, 1
 * completed), 3 failed, 1 canceled and 3 skipped, plus 3 reminders (2 sent, 1 pending).
 * 11 segments carry a MessageSid. Failures: 30003 three times (one a reminder), 21211 once.
 */
async function seedDistribution(): Promise<number> {
  const distributionId = await insertDistribution(db, { surveyId: 'customer-nps' });
  const invite = (n: number, row: Partial<Parameters<typeof insertOutboundMessage>[1]>) =>
    insertOutboundMessage(db, { distribution_id: distributionId, recipient: phone(n), ...row });

  await invite(1, { state: 'pending' });
  await invite(2, { state: 'sending', attempts: 1 });
  await invite(3, { message_sid: sid(), delivery_status: 'queued', segments: 2 });
  await invite(4, { message_sid: sid(), delivery_status: 'sent' });

  const completed = await insertSession(db, { respondent: phone(5), status: 'completed', answers: ['answered', 'answered'] });
  await invite(5, { message_sid: sid(), delivery_status: 'delivered', session_id: completed });
  const partial = await insertSession(db, { respondent: phone(6), status: 'active', answers: ['answered'] });
  await invite(6, { message_sid: sid(), delivery_status: 'read', session_id: partial });
  const unanswered = await insertSession(db, { respondent: phone(7), status: 'expired', answers: ['unanswered'] });
  await invite(7, { message_sid: sid(), delivery_status: 'delivered', session_id: unanswered });

  await invite(8, { message_sid: sid(), delivery_status: 'undelivered', error_code: 30003 });
  await invite(9, { state: 'failed', attempts: 1, error_code: 21211, error_message: "The 'To' number is not a valid phone number." });
  await invite(10, { message_sid: sid(), delivery_status: 'failed', error_code: 30003 });
  await invite(11, { state: 'skipped', skip_reason: 'suppressed' });
  await invite(12, { state: 'skipped', skip_reason: 'suppressed' });
  await invite(13, { state: 'skipped', skip_reason: 'invalid_phone' });
  await invite(14, { message_sid: sid(), delivery_status: 'canceled' });

  await invite(5, { sequence: 1, message_sid: sid(), delivery_status: 'delivered', session_id: completed });
  await invite(6, { sequence: 1, message_sid: sid(), delivery_status: 'undelivered', error_code: 30003, session_id: partial });
  await invite(6, { sequence: 2, state: 'pending', session_id: partial });
  return distributionId;
}

async function statusOutput(options: StatusOptions, pricePerSegment = 0.0083): Promise<string> {
  const lines: string[] = [];
  await runStatus(options, { db, pricePerSegment, priceCurrency: 'USD', out: (text) => lines.push(text) });
  return lines.join('\n');
}

describe('groupInvite', () => {
  it.each<[OutboxState, DeliveryStatus | null, string]>([
    ['pending', null, 'pending'],
    ['sending', null, 'pending'],
    ['sent', null, 'sent'],
    ['sent', 'accepted', 'sent'],
    ['sent', 'queued', 'sent'],
    ['sent', 'sending', 'sent'],
    ['sent', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['sent', 'read', 'delivered'],
    ['sent', 'undelivered', 'failed'],
    ['sent', 'failed', 'failed'],
    ['sent', 'canceled', 'canceled'],
    ['failed', null, 'failed'],
    ['skipped', null, 'skipped'],
  ])('%s with %s is %s', (state, deliveryStatus, expected) => {
    expect(groupInvite(state, deliveryStatus)).toBe(expected);
  });
});

describe('loadDistributionReport', () => {
  it('counts invites by group', async () => {
    const id = await seedDistribution();

    const report = await loadDistributionReport(db, id);

    expect(report?.invites).toEqual({
      total: 14,
      pending: 2,
      sent: 2,
      delivered: 3,
      failed: 3,
      canceled: 1,
      skipped: 3,
      answered: 2,
      completed: 1,
    });
  });

  it('breaks skipped invites down by reason', async () => {
    const id = await seedDistribution();

    const report = await loadDistributionReport(db, id);

    expect(report?.skipReasons).toEqual([
      { reason: 'suppressed', count: 2 },
      { reason: 'invalid_phone', count: 1 },
    ]);
  });

  it('counts reminders, segments and failures', async () => {
    const id = await seedDistribution();

    const report = await loadDistributionReport(db, id);

    expect(report?.remindersSent).toBe(2);
    expect(report?.segmentsSent).toBe(11);
    expect(report?.failures).toEqual([
      { errorCode: 30003, count: 3 },
      { errorCode: 21211, count: 1 },
    ]);
  });

  it('reports the distribution settings', async () => {
    const id = await seedDistribution();

    const report = await loadDistributionReport(db, id);

    expect(report).toMatchObject({
      id,
      surveyId: 'customer-nps',
      mode: 'interactive',
      sender: '+15555550100',
      senderKind: 'long_code',
      createdAt: '2026-12-04T10:00:00.000Z',
      sendAt: '2026-12-04T12:00:00.000Z',
    });
  });

  it('counts nothing for an empty distribution', async () => {
    const id = await insertDistribution(db);

    const report = await loadDistributionReport(db, id);

    expect(report?.invites.total).toBe(0);
    expect(report?.segmentsSent).toBe(0);
    expect(report?.failures).toEqual([]);
  });

  it('returns undefined for an unknown id', async () => {
    expect(await loadDistributionReport(db, 999)).toBeUndefined();
  });

  it('ignores other distributions', async () => {
    await seedDistribution();
    const other = await insertDistribution(db, { surveyId: 'event-feedback', createdAt: '2026-12-05T10:00:00.000Z' });
    await insertOutboundMessage(db, { distribution_id: other, recipient: phone(1), message_sid: sid(), delivery_status: 'delivered' });

    const report = await loadDistributionReport(db, other);

    expect(report?.invites.total).toBe(1);
    expect(report?.invites.delivered).toBe(1);
    expect(report?.segmentsSent).toBe(1);
  });
});

describe('listDistributions', () => {
  it('summarizes every distribution', async () => {
    const first = await seedDistribution();
    const second = await insertDistribution(db, { surveyId: 'event-feedback', createdAt: '2026-12-05T10:00:00.000Z' });

    expect(await listDistributions(db)).toEqual([
      { id: first, surveyId: 'customer-nps', createdAt: '2026-12-04T10:00:00.000Z', invites: 14, delivered: 3, completed: 1 },
      { id: second, surveyId: 'event-feedback', createdAt: '2026-12-05T10:00:00.000Z', invites: 0, delivered: 0, completed: 0 },
    ]);
  });
});

describe('runStatus', () => {
  it('prints one distribution as text', async () => {
    const id = await seedDistribution();

    const text = await statusOutput({ distribution: String(id) });

    expect(text).toBe(
      [
        `Distribution ${id}`,
        '  survey         customer-nps',
        '  mode           interactive',
        '  sender         +15555550100 (long_code)',
        '  created        2026-12-04T10:00:00.000Z',
        '  send at        2026-12-04T12:00:00.000Z',
        '',
        'invites          14',
        '  pending        2',
        '  sent           2',
        '  delivered      3',
        '  failed         3',
        '  canceled       1',
        '  skipped        3',
        '    2 suppressed',
        '    1 invalid_phone',
        '  answered       2',
        '  completed      1',
        '',
        'reminders sent   2',
        'reminders due    1',
        'segments sent    11',
        'estimated cost   0.0913 USD (11 segments at 0.0083 USD each)',
        '',
        'failures by error code',
        '  30003          3',
        '  21211          1',
      ].join('\n'),
    );
  });

  it('applies the price override', async () => {
    const id = await seedDistribution();

    const text = await statusOutput({ distribution: String(id), price: '0.05' });

    expect(text).toContain('estimated cost   0.55 USD (11 segments at 0.05 USD each)');
  });

  it('prints one distribution as JSON', async () => {
    const id = await seedDistribution();

    const json = JSON.parse(await statusOutput({ distribution: String(id), json: true }));

    expect(json.invites.delivered).toBe(3);
    expect(json.skipReasons).toEqual([
      { reason: 'suppressed', count: 2 },
      { reason: 'invalid_phone', count: 1 },
    ]);
    expect(json.estimatedCost).toEqual({ segments: 11, pricePerSegment: 0.0083, currency: 'USD', amount: 0.0913 });
  });

  it('lists distributions as a table', async () => {
    const first = await seedDistribution();
    const second = await insertDistribution(db, { surveyId: 'event-feedback', createdAt: '2026-12-05T10:00:00.000Z' });

    const text = await statusOutput({});

    expect(text).toBe(
      [
        'ID  SURVEY          CREATED                   INVITES  DELIVERED  COMPLETED',
        `${first}   customer-nps    2026-12-04T10:00:00.000Z       14          3          1`,
        `${second}   event-feedback  2026-12-05T10:00:00.000Z        0          0          0`,
        '',
        'Run "parley status ID" for the details of one distribution.',
      ].join('\n'),
    );
  });

  it('lists distributions as JSON', async () => {
    const id = await seedDistribution();

    const json = JSON.parse(await statusOutput({ json: true }));

    expect(json).toEqual([{ id, surveyId: 'customer-nps', createdAt: '2026-12-04T10:00:00.000Z', invites: 14, delivered: 3, completed: 1 }]);
  });

  it('says when there are no distributions', async () => {
    expect(await statusOutput({})).toBe('No distributions yet.');
  });

  it('rejects an unknown id', async () => {
    await expect(statusOutput({ distribution: '999' })).rejects.toMatchObject({
      code: 'DISTRIBUTION_NOT_FOUND',
      message: 'Distribution 999 not found. Run "parley status" without an id to list the distributions.',
    });
  });

  it('rejects every invalid option together', async () => {
    const error = await statusOutput({ distribution: 'abc', price: '1,5' }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message.split('\n')).toEqual([
      'Distribution id "abc" is not a whole number. Run "parley status" without an id to list the distributions.',
      '--price "1,5" is invalid: expected the price of one SMS segment, such as 0.0083, in PRICE_CURRENCY.',
    ]);
  });
});

describe('runStatusCommand', () => {
  it('rejects a missing database file', async () => {
    const missing = path.join(dir, 'missing.db');

    await expect(runStatusCommand({}, { DATABASE_URL: missing })).rejects.toThrow(
      `Database file ${JSON.stringify(missing)} does not exist. Set DATABASE_URL to the file the Parley server uses.`,
    );
  });

  it('explains a database without the distribution tables', async () => {
    const old = path.join(dir, 'old.db');
    new SqliteDatabase(old).close();

    await expect(runStatusCommand({}, { DATABASE_URL: old })).rejects.toMatchObject({
      code: 'DATABASE_OUTDATED',
      message: expect.stringContaining('Start the server once with "parley serve" to update it.'),
    });
  });
});

describe('parley status', () => {
  it('prints a distribution from DATABASE_URL', async () => {
    const id = await seedDistribution();

    const result = await runParley(['status', String(id)], { env: { DATABASE_URL: databaseFile, PRICE_PER_SEGMENT: '0.01', PRICE_CURRENCY: 'EUR' } });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  delivered      3\n');
    expect(result.stdout).toContain('estimated cost   0.11 EUR (11 segments at 0.01 EUR each)\n');
  });

  it('exits 1 on an unknown id', async () => {
    const result = await runParley(['status', '42'], { env: { DATABASE_URL: databaseFile } });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('parley: Distribution 42 not found. Run "parley status" without an id to list the distributions.\n');
    expect(result.stdout).toBe('');
  });
});
