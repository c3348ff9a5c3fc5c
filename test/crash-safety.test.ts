import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../src/cli/twilio-phone.ts';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import { AUTH_TOKEN, PUBLIC_URL, encodeForm, inboundFields, newMessageSid, serverEnv, writeSurvey } from './support/harness.ts';
import { type ServerProcess, startServerProcess } from './support/processes.ts';
import { byTestScale } from './support/test-scale.ts';

// Each respondent sends its messages one after another, so up to RESPONDENTS requests are
// in flight when the server is killed, which happens halfway through all the messages.
const QUESTION_COUNT = byTestScale({ reduced: 12, full: 40 });
const RESPONDENTS = byTestScale({ reduced: 24, full: 500 });
const TEST_TIMEOUT_MS = byTestScale({ reduced: 60_000, full: 600_000 });

// Every answer names its question, so an answer stored against the wrong question shows.
const SURVEY = {
  id: 'crash',
  title: 'Crash test',
  keywords: ['CRASH'],
  questions: Array.from({ length: QUESTION_COUNT }, (_, index) => ({ id: `q${index + 1}`, type: 'text', text: `Question ${index + 1}?` })),
  end: 'Done.',
};

interface Delivery {
  sid: string;
  respondent: string;
  body: string;
  fields: Record<string, string | string[]>;
  /** The TwiML of the 200 response, once acknowledged. */
  acknowledged?: string;
}

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-crash-'));
  fs.mkdirSync(path.join(dir, 'surveys'));
  writeSurvey(path.join(dir, 'surveys'), 'crash.json', SURVEY);
  env = serverEnv(dir, { LOG_LEVEL: 'info' });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function respondentNumber(index: number): string {
  return `+1555556${String(index).padStart(4, '0')}`;
}

async function deliver(port: number, delivery: Delivery): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/twilio/messages`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages`, delivery.fields),
    },
    body: encodeForm(delivery.fields),
  });
}

function newDelivery(respondent: string, body: string): Delivery {
  const sid = newMessageSid();
  return { sid, respondent, body, fields: inboundFields(body, { MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, From: respondent }) };
}

/** Each respondent texts the keyword and then answers in turn until the server stops answering. */
async function driveRespondent(port: number, respondent: string, deliveries: Delivery[]): Promise<void> {
  const bodies = ['CRASH', ...SURVEY.questions.map((question) => `answer to ${question.id}`)];
  for (const body of bodies) {
    const delivery = newDelivery(respondent, body);
    deliveries.push(delivery);
    try {
      const response = await deliver(port, delivery);
      if (response.status !== 200) return;
      delivery.acknowledged = await response.text();
    } catch {
      return; // The server died with this request in flight.
    }
  }
}

function openReadOnly(): SqliteDatabase.Database {
  return new SqliteDatabase(env.DATABASE_URL!, { readonly: true });
}

describe('crash safety', () => {
  const deliveries: Delivery[] = [];
  let server: ServerProcess;

  it('keeps every acknowledged message through SIGKILL', async () => {
    server = await startServerProcess(env);
    const load = Promise.all(
      Array.from({ length: RESPONDENTS }, (_, index) => driveRespondent(server.port, respondentNumber(index), deliveries)),
    );
    // Kill once a good share of the traffic was acknowledged, so requests are in flight.
    const target = Math.floor((RESPONDENTS * (QUESTION_COUNT + 1)) / 2);
    while (deliveries.filter((delivery) => delivery.acknowledged !== undefined).length < target) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await server.stop('SIGKILL');
    await load;

    const acknowledged = deliveries.filter((delivery) => delivery.acknowledged !== undefined);
    expect(acknowledged.length).toBeGreaterThanOrEqual(target);
    expect(acknowledged.length).toBeLessThan(deliveries.length + RESPONDENTS);

    const db = openReadOnly();
    const stored = new Map(
      (db.prepare('select message_sid, reply from messages').all() as Array<{ message_sid: string; reply: string | null }>).map((row) => [
        row.message_sid,
        row.reply,
      ]),
    );
    for (const delivery of acknowledged) {
      expect(stored.has(delivery.sid), `acknowledged ${delivery.sid} (${delivery.body}) is stored`).toBe(true);
      expect(messagesOf(delivery.acknowledged!)).toEqual(stored.get(delivery.sid) === null ? [] : [stored.get(delivery.sid)]);
    }
    db.close();
  }, TEST_TIMEOUT_MS);

  it('stores each answer against its own question', () => {
    const db = openReadOnly();
    const answers = db.prepare('select question_id, raw_text from answers').all() as Array<{ question_id: string; raw_text: string }>;
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer.raw_text).toBe(`answer to ${answer.question_id}`);
    }

    // Each session has answered a prefix of the questions, and its snapshot waits on the next one.
    const sessions = db.prepare('select id, snapshot, status from sessions').all() as Array<{ id: number; snapshot: string; status: string }>;
    expect(sessions).toHaveLength(RESPONDENTS);
    const byQuestion = db.prepare('select question_id from answers where session_id = ? order by id');
    for (const session of sessions) {
      const answered = (byQuestion.all(session.id) as Array<{ question_id: string }>).map((row) => row.question_id);
      expect(answered).toEqual(SURVEY.questions.slice(0, answered.length).map((question) => question.id));
      const expectedState = answered.length === QUESTION_COUNT ? 'completed' : `ask:q${answered.length + 1}`;
      expect(JSON.parse(session.snapshot).value).toBe(expectedState);
    }
    db.close();
  });

  it('changes nothing when every acknowledged message is redelivered', async () => {
    server = await startServerProcess(env);
    const count = (db: SqliteDatabase.Database, table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    const before = openReadOnly();
    const counts = { messages: count(before, 'messages'), answers: count(before, 'answers'), sessions: count(before, 'sessions') };
    before.close();

    for (const delivery of deliveries.filter((item) => item.acknowledged !== undefined)) {
      const response = await deliver(server.port, delivery);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(delivery.acknowledged);
    }

    const after = openReadOnly();
    expect({ messages: count(after, 'messages'), answers: count(after, 'answers'), sessions: count(after, 'sessions') }).toEqual(counts);
    after.close();
  }, TEST_TIMEOUT_MS);

  it('drains requests in flight on SIGTERM', async () => {
    // Numbers after the first RESPONDENTS, so each request starts a new session.
    const inFlight = Array.from({ length: RESPONDENTS }, (_, index) => deliver(server.port, newDelivery(respondentNumber(RESPONDENTS + index), 'CRASH')));
    await new Promise((resolve) => setTimeout(resolve, 2));
    const exitCode = server.stop('SIGTERM');
    const settled = await Promise.allSettled(inFlight);
    expect(await exitCode).toBe(0);

    // Requests the server accepted before the signal got their answer; none was cut off mid-way.
    const statuses = settled.map((result) => (result.status === 'fulfilled' ? result.value.status : 'refused'));
    expect(statuses.filter((status) => status !== 200 && status !== 'refused')).toEqual([]);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);

    // A clean close checkpoints the WAL into the database file and removes it.
    expect(fs.existsSync(`${env.DATABASE_URL}-wal`)).toBe(false);
    const db = openReadOnly();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, TEST_TIMEOUT_MS);
});
