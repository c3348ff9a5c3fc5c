import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPhone } from '../src/log.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../src/http/twilio-webhook.ts';
import type { WebhookFields } from '../src/twilio/webhook-form.ts';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import { ACCOUNT_SID, PARLEY_NUMBER, PUBLIC_URL, copyExampleSurveys, encodeForm, inboundFields, newMessageSid, serverEnv } from './support/harness.ts';
import { PARLEY_BIN } from './support/processes.ts';

// Runs `parley serve` as a child process, sends it a realistic mix of webhooks and checks
// everything it printed on stdout and stderr for the auth token, the signatures and phone numbers.

// The harness's AUTH_TOKEN is also the tail of its ACCOUNT_SID, so a logged AccountSid would
// look like a leaked token. A fresh token has no such overlap.
const AUTH_TOKEN = randomBytes(16).toString('hex');
const RESPONDENT = '+15555550141';
// The recipient of an outbound message that a status callback reports as unsubscribed.
const UNSUBSCRIBED_RECIPIENT = '+15555550142';
const RESPONDENTS = [RESPONDENT, UNSUBSCRIBED_RECIPIENT];
const FORM = 'application/x-www-form-urlencoded';
const START_TIMEOUT_MS = 20_000;
const SCENARIO_TIMEOUT_MS = 60_000;

/** The auth token as written, and the encodings a careless log line could carry it in. */
const SECRET_FORMS: Array<[string, string]> = [
  ['auth token', AUTH_TOKEN],
  ['auth token in upper case', AUTH_TOKEN.toUpperCase()],
  ['auth token in base64', Buffer.from(AUTH_TOKEN).toString('base64')],
  ['auth token in hex', Buffer.from(AUTH_TOKEN).toString('hex')],
  ['auth token bytes in base64', Buffer.from(AUTH_TOKEN, 'hex').toString('base64')],
  ['HTTP Basic credentials', Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')],
];

interface ServerOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** Each request's label and the HTTP status it got, in the order sent. */
  statuses: Array<[string, number]>;
  /** Every X-Twilio-Signature value sent, valid or forged. */
  signatures: string[];
}

/** Starts `parley serve`, resolving with its port once it logs that it listens, and keeps all output. */
async function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [PARLEY_BIN, 'serve'], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env } });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not log "Parley is listening" within ${START_TIMEOUT_MS} ms: ${output.stderr}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${output.stderr}`)));
    child.stdout.on('data', (chunk: string) => {
      output.stdout += chunk;
      // The last element is a line still being written, so only the lines before it are parsed.
      const line = output.stdout
        .split('\n')
        .slice(0, -1)
        .find((candidate) => candidate.includes('"msg":"Parley is listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });

  return {
    port,
    output,
    stop: async (): Promise<number | null> => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Runs the server at `logLevel`, texts it a survey session with an invalid answer, HELP, STOP
 * and START, sends the requests it must reject and a status callback, then stops it with SIGTERM.
 */
async function runScenario(logLevel: string, dir: string): Promise<ServerOutput> {
  const server = await startServer(
    serverEnv(dir, { DATABASE_URL: path.join(dir, `parley-${logLevel}.db`), TWILIO_AUTH_TOKEN: AUTH_TOKEN, LOG_LEVEL: logLevel }),
  );
  const statuses: Array<[string, number]> = [];
  const signatures: string[] = [];

  async function post(label: string, target: string, body: string, headers: Record<string, string>): Promise<void> {
    if (headers['X-Twilio-Signature'] !== undefined) signatures.push(headers['X-Twilio-Signature']);
    const response = await fetch(`http://127.0.0.1:${server.port}${target}`, { method: 'POST', headers, body });
    await response.arrayBuffer();
    statuses.push([label, response.status]);
  }

  function postSigned(label: string, target: string, fields: WebhookFields, token = AUTH_TOKEN): Promise<void> {
    const signature = signTwilioRequest(token, `${PUBLIC_URL}${target}`, fields);
    return post(label, target, encodeForm(fields), { 'Content-Type': FORM, 'X-Twilio-Signature': signature });
  }

  const text = (body: string) => postSigned(body, '/twilio/messages', inboundFields(body, { From: RESPONDENT }));

  // FEEDBACK starts the customer-nps example survey. Its first question takes 0 to 10, and
  // its second is a numbered choice, so "banana" is an invalid answer.
  await text('FEEDBACK');
  await text('9');
  await text('banana');
  await text('HELP');
  await text('STOP');
  await text('START');

  await postSigned('forged signature', '/twilio/messages', inboundFields('5', { From: RESPONDENT }), randomBytes(16).toString('hex'));
  const json = JSON.stringify({ From: RESPONDENT, Body: 'hello' });
  await post('JSON body', '/twilio/messages', json, { 'Content-Type': 'application/json', 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages`, {}) });
  const oversized = inboundFields('x'.repeat(MAX_WEBHOOK_BODY_BYTES), { From: RESPONDENT });
  await postSigned('oversized body', '/twilio/messages', oversized);

  const sid = newMessageSid();
  await postSigned('status callback', '/twilio/status', {
    SmsSid: sid,
    SmsStatus: 'failed',
    MessageStatus: 'failed',
    ErrorCode: '21610',
    To: UNSUBSCRIBED_RECIPIENT,
    MessageSid: sid,
    AccountSid: ACCOUNT_SID,
    From: PARLEY_NUMBER,
    ApiVersion: '2010-04-01',
  });

  const exitCode = await server.stop();
  return { ...server.output, exitCode, statuses, signatures };
}

/** Returns the lines of `text` that contain `needle`. */
function linesContaining(text: string, needle: string): string[] {
  return text.split('\n').filter((line) => line.includes(needle));
}

/** Lists the `handledAs` of each "inbound message handled" line on stdout. */
function handlingsOf(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === 'inbound message handled')
    .map((entry) => entry.handledAs as string);
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-log-secrets-'));
  fs.mkdirSync(path.join(dir, 'surveys'));
  copyExampleSurveys(path.join(dir, 'surveys'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(['info', 'debug'])('server output at LOG_LEVEL=%s', (logLevel) => {
  let output: ServerOutput;
  let log: string;

  beforeAll(async () => {
    output = await runScenario(logLevel, dir);
    log = `${output.stdout}\n${output.stderr}`;
  }, SCENARIO_TIMEOUT_MS);

  it('handles the whole scenario', () => {
    expect(output.exitCode).toBe(0);
    expect(output.statuses).toEqual([
      ['FEEDBACK', 200],
      ['9', 200],
      ['banana', 200],
      ['HELP', 200],
      ['STOP', 200],
      ['START', 200],
      ['forged signature', 403],
      ['JSON body', 415],
      ['oversized body', 413],
      ['status callback', 204],
    ]);
    expect(handlingsOf(output.stdout)).toEqual(['survey_started', 'answer', 'invalid_answer', 'help', 'opt_out', 'opt_in']);
  });

  it.each(SECRET_FORMS)('never prints the %s', (_name, secret) => {
    expect(linesContaining(log, secret)).toEqual([]);
  });

  it('never prints a signature', () => {
    expect(output.signatures).toHaveLength(output.statuses.length);
    for (const signature of output.signatures) {
      expect(linesContaining(log, signature), signature).toEqual([]);
    }
  });

  it('prints masked phone numbers', () => {
    for (const phone of RESPONDENTS) {
      expect(linesContaining(log, maskPhone(phone)).length, maskPhone(phone)).toBeGreaterThan(0);
    }
  });

  // Phone numbers must be masked at info level and above. Debug lines may carry a full number.
  it.runIf(logLevel === 'info')('prints no full phone number', () => {
    for (const phone of RESPONDENTS) {
      // The national number alone also matches "+1…" and the form-encoded "%2B1…".
      expect(linesContaining(log, phone.slice('+1'.length)), phone).toEqual([]);
    }
  });
});
