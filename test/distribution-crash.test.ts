import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTwilio, startFakeTwilio } from '../src/twilio-fake/index.ts';
import { ACCOUNT_SID, AUTH_TOKEN, copyExampleSurveys } from './support/harness.ts';
import { runParley, type ServerProcess, startServerProcess } from './support/processes.ts';

const SENDER = '+15005550006';
const CONTACTS = ['+12015550101', '+12015550102', '+12015550103', '+12015550104', '+12015550105'];

let dir: string;
let env: Record<string, string>;
let fake: FakeTwilio;
let servers: ServerProcess[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-send-crash-'));
  fs.mkdirSync(path.join(dir, 'surveys'));
  copyExampleSurveys(path.join(dir, 'surveys'));
  fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, segmentsPerSecond: 1000 });
  env = {
    DATABASE_URL: path.join(dir, 'parley.db'),
    SURVEYS_DIR: path.join(dir, 'surveys'),
    DATA_DIR: dir,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    // Nothing listens there, so status callbacks fail; this test is about sends only.
    PUBLIC_URL: 'http://127.0.0.1:9',
    TWILIO_API_URL: fake.url,
    TWILIO_FROM: SENDER,
    TWILIO_SEGMENTS_PER_SECOND: '100',
    // A claim is looked up at Twilio after twice this plus 5 s.
    TWILIO_REQUEST_TIMEOUT_MS: '1000',
    SEND_WINDOW: 'always',
    LOG_LEVEL: 'info',
  };

  fs.writeFileSync(path.join(dir, 'contacts.csv'), `phone\n${CONTACTS.join('\n')}\n`);
  const imported = await runParley(['contacts', 'import', path.join(dir, 'contacts.csv'), '--list', 'crash'], { env });
  expect(imported.code, imported.stderr).toBe(0);
  const sent = await runParley(['send', '--survey', 'customer-nps', '--list', 'crash'], { env });
  expect(sent.code, sent.stderr).toBe(0);
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop('SIGKILL')));
  servers = [];
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startServer(): Promise<ServerProcess> {
  const server = await startServerProcess(env);
  servers.push(server);
  return server;
}

async function kill(server: ServerProcess): Promise<void> {
  await server.stop('SIGKILL');
  servers = servers.filter((running) => running !== server);
}

interface Row {
  recipient: string;
  state: string;
  message_sid: string | null;
  session_id: number | null;
}

function outbox(): Row[] {
  const db = new SqliteDatabase(env.DATABASE_URL!, { readonly: true });
  try {
    return db.prepare('select recipient, state, message_sid, session_id from outbound_messages order by id').all() as Row[];
  } finally {
    db.close();
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; outbox: ${JSON.stringify(outbox())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectEachContactSentOnce(): void {
  expect(fake.messages.map((message) => message.to).sort()).toEqual(CONTACTS);
  const rows = outbox();
  expect(rows.map((row) => row.state)).toEqual(CONTACTS.map(() => 'sent'));
  for (const row of rows) {
    expect(row.message_sid).toBe(fake.messages.find((message) => message.to === row.recipient)!.sid);
    expect(row.session_id).not.toBeNull();
  }
}

describe('a crash while invitations are being sent', () => {
  it('records, without resending, a message Twilio accepted before the crash', async () => {
    // Twilio carries out each request, but its answer never reaches the killed process.
    fake.setDelayAfterProcessing(60_000);
    const first = await startServer();
    await waitFor(() => fake.messages.length > 0, 'Twilio to accept a message');
    await kill(first);
    const acceptedBeforeCrash = fake.messages.map((message) => message.to);
    expect(outbox().filter((row) => acceptedBeforeCrash.includes(row.recipient)).map((row) => row.state)).toEqual(acceptedBeforeCrash.map(() => 'sending'));

    fake.setDelayAfterProcessing(0);
    const second = await startServer();
    await waitFor(() => outbox().every((row) => row.state === 'sent'), 'every invite to be sent');

    expectEachContactSentOnce();
    expect(second.logs.some((entry) => entry.msg === 'reconciled an unconfirmed message: Twilio had accepted it')).toBe(true);
  }, 60_000);

  it('sends, once, a message that never reached Twilio before the crash', async () => {
    // Requests are held before Twilio carries them out, and dropped when their client dies.
    fake.setResponseDelay(3000);
    const first = await startServer();
    await waitFor(() => outbox().some((row) => row.state === 'sending'), 'a claimed invite');
    await kill(first);
    expect(fake.messages).toHaveLength(0);

    // Let the held requests find their client gone before the server comes back.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(fake.messages).toHaveLength(0);
    fake.setResponseDelay(0);
    const second = await startServer();
    await waitFor(() => outbox().every((row) => row.state === 'sent'), 'every invite to be sent');

    expectEachContactSentOnce();
    expect(second.logs.some((entry) => entry.msg === 'reconciled an unconfirmed message: Twilio never got it, so it will be sent')).toBe(true);
  }, 60_000);
});
