import path from 'node:path';
import { spawn } from 'node:child_process';
import SqliteDatabase from 'better-sqlite3';
import { createDistribution } from '../src/distribution/create-distribution.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { SurveyVersion } from '../src/surveys/survey-file.ts';
import { createTwilioClient } from '../src/twilio/rest-client.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN } from './load.ts';
import { startBenchServer } from './processes.ts';

const SENDER = '+15005550006';
/** Requests the dispatcher keeps in flight; the direct client run uses as many. */
const CONCURRENCY = 8;

export interface OutboundResult {
  invites: number;
  /** Invites per second through `parley worker`, from the first to the last `sent_at`. */
  dispatcherPerSecond: number;
  /** Messages per second created by the twilio client directly, with the same concurrency. */
  directClientPerSecond: number;
}

/**
 * Measures the dispatcher against the fake Twilio with no rate limit: a worker process
 * sends a distribution of `invites` contacts, and the same number of messages is
 * created straight through the twilio client for comparison.
 */
export async function measureOutbound(workDir: string, survey: SurveyVersion, invites: number): Promise<OutboundResult> {
  console.error(`  outbound: ${invites} invitations through parley worker...`);
  const fake = await startBenchServer(['--import', 'tsx', path.join(import.meta.dirname, 'fake-twilio-server.ts')], {});
  const apiUrl = `http://127.0.0.1:${fake.port}`;
  try {
    const directClientPerSecond = await measureDirectClient(apiUrl, invites);
    const databasePath = path.join(workDir, 'outbound.db');
    await seedDistribution(databasePath, survey, invites);
    const dispatcherPerSecond = await measureWorker(databasePath, survey, apiUrl, invites);
    return { invites, dispatcherPerSecond, directClientPerSecond };
  } finally {
    await fake.stop();
  }
}

async function measureDirectClient(apiUrl: string, count: number): Promise<number> {
  const client = createTwilioClient({ accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN, apiUrl });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        await client.messages.create({ to: `+1201555${String(next % 10_000).padStart(4, '0')}`, from: SENDER, body: 'Benchmark message' });
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function seedDistribution(databasePath: string, survey: SurveyVersion, count: number): Promise<void> {
  const db = openDatabase(databasePath);
  await migrateToLatest(db);
  const now = new Date().toISOString();
  const { id: listId } = await db.insertInto('contact_lists').values({ name: 'bench', created_at: now }).returning('id').executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    for (let index = 0; index < count; index++) {
      const phone = `+1201${String(index).padStart(7, '0')}`;
      const { id } = await trx
        .insertInto('contacts')
        .values({ phone, first_name: null, last_name: null, language: null, timezone: 'UTC', fields: '{}', created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('contact_list_members').values({ list_id: listId, contact_id: id, added_at: now }).execute();
    }
  });
  await createDistribution(
    db,
    { survey, listName: 'bench', mode: 'interactive', sender: { value: SENDER, kind: 'long_code', segmentsPerSecond: 1_000_000 } },
    new Date(),
  );
  await db.destroy();
}

async function measureWorker(databasePath: string, survey: SurveyVersion, apiUrl: string, count: number): Promise<number> {
  const worker = startWorker({
    DATABASE_URL: databasePath,
    SURVEYS_DIR: path.dirname(survey.file),
    TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
    // Nothing listens there, so the fake's status callbacks stop at once on this machine.
    PUBLIC_URL: 'http://127.0.0.1:9',
    TWILIO_API_URL: apiUrl,
    TWILIO_FROM: SENDER,
    SEND_WINDOW: 'always',
    // Only errors reach the terminal, through the worker's own standard output.
    LOG_LEVEL: 'error',
  });
  const reader = new SqliteDatabase(databasePath, { readonly: true });
  try {
    const sentCount = reader.prepare("select count(*) as sent from outbound_messages where state = 'sent'");
    while ((sentCount.get() as { sent: number }).sent < count) await new Promise((resolve) => setTimeout(resolve, 100));
    const { first, last } = reader.prepare("select min(sent_at) as first, max(sent_at) as last from outbound_messages where state = 'sent'").get() as {
      first: string;
      last: string;
    };
    return count / Math.max(0.001, (Date.parse(last) - Date.parse(first)) / 1000);
  } finally {
    reader.close();
    await worker.stop();
  }
}

/** Starts `parley worker`; the measurement counts from its first send, so there is nothing to wait for. */
function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../bin/parley.js'), 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
