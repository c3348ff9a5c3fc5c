import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { isParleyError } from '../src/errors.ts';
import { parseWebhookForm } from '../src/twilio/webhook-form.ts';
import { isValidTwilioSignature } from '../src/twilio/webhook-signature.ts';
import {
  countSegments,
  type FakeTwilio,
  type FakeTwilioOptions,
  startFakeTwilio,
} from '../src/twilio-fake/index.ts';
import { createTwilioClient } from '../src/twilio/rest-client.ts';
import { ACCOUNT_SID, AUTH_TOKEN } from './support/harness.ts';

const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
const FROM = '+15005550006';
const OTHER_FROM = '+15555550100';
const TO = '+15555550123';
const OTHER_TO = '+15555550199';

const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((resource) => resource.close()));
});

async function startFake(options: Partial<FakeTwilioOptions> = {}) {
  const fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, ...options });
  running.push(fake);
  const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: fake.url });
  return { fake, client };
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Sends a request without the twilio client, to see status, headers and body exactly. */
async function rawRequest(
  fake: FakeTwilio,
  path: string,
  { method = 'GET', form, json, auth = `${ACCOUNT_SID}:${AUTH_TOKEN}` }: { method?: string; form?: Record<string, string>; json?: unknown; auth?: string | null } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  let body: string | undefined;
  if (form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  } else if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await fetch(`${fake.url}${path}`, { method, headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const messagesPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

async function restExceptionOf(promise: Promise<unknown>): Promise<twilio.RestException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof twilio.RestException) return error;
    throw error;
  }
  throw new Error('expected the request to fail with a RestException');
}

interface ReceivedCallback {
  fields: Record<string, string>;
  signatureValid: boolean;
}

/** Starts an HTTP server on 127.0.0.1 that records status callbacks and verifies their signatures. */
async function startCallbackReceiver() {
  const received: ReceivedCallback[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const fields = parseWebhookForm(body) as Record<string, string>;
      const signature = request.headers['x-twilio-signature'];
      received.push({
        fields,
        signatureValid: isValidTwilioSignature({
          authToken: AUTH_TOKEN,
          url: `${url}${request.url}`,
          fields,
          signature: typeof signature === 'string' ? signature : undefined,
        }),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  running.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return { callbackUrl: `${url}/twilio/status?survey=nps`, received };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sentTimes(fake: FakeTwilio, from: string): number[] {
  return fake.messages.filter((message) => message.from === from).map((message) => message.sentAt?.getTime() ?? NaN);
}

describe('fake Twilio create', () => {
  it('returns a queued message resource', async () => {
    const { client } = await startFake();

    const message = await client.messages.create({ to: TO, from: FROM, body: 'Hello' });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.accountSid).toBe(ACCOUNT_SID);
    expect(message.to).toBe(TO);
    expect(message.from).toBe(FROM);
    expect(message.body).toBe('Hello');
    expect(message.numSegments).toBe('1');
    expect(message.direction).toBe('outbound-api');
    expect(message.apiVersion).toBe('2010-04-01');
    expect(message.dateCreated.getTime()).not.toBeNaN();
    expect(message.dateSent).toBeNull();
    expect(message.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}.json`);
  });

  it('answers 201 with JSON', async () => {
    const { fake } = await startFake();

    const response = await rawRequest(fake, messagesPath, { method: 'POST', form: { To: TO, From: FROM, Body: 'Hello' } });

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(response.body.num_media).toBe('0');
    expect(response.body.price).toBeNull();
    expect(response.body.error_code).toBeNull();
    expect(response.body.messaging_service_sid).toBeNull();
  });

  it('stores the message for assertions', async () => {
    const { fake, client } = await startFake();

    const message = await client.messages.create({ to: TO, from: FROM, body: 'Hello' });

    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.sid).toBe(message.sid);
    expect(fake.messages[0]?.body).toBe('Hello');
  });

  it('accepts a Messaging Service message', async () => {
    const { fake, client } = await startFake();

    const message = await client.messages.create({ to: TO, messagingServiceSid: MESSAGING_SERVICE_SID, body: 'Hello' });

    expect(message.status).toBe('accepted');
    expect(message.messagingServiceSid).toBe(MESSAGING_SERVICE_SID);
    expect(message.from).toBeNull();
    expect(message.numSegments).toBe('0');
    await fake.settled();
    expect(fake.messages[0]?.from).toBe('+15005550006');
    expect(fake.messages[0]?.status).toBe('delivered');
  });

  it.each<{ case: string; form: Record<string, string>; code: number }>([
    { case: 'missing To', form: { From: FROM, Body: 'Hi' }, code: 21604 },
    { case: 'missing Body', form: { To: TO, From: FROM }, code: 21602 },
    { case: 'empty Body', form: { To: TO, From: FROM, Body: '' }, code: 21602 },
    { case: 'missing From and MessagingServiceSid', form: { To: TO, Body: 'Hi' }, code: 21603 },
    { case: 'To not in E.164', form: { To: '555-0123', From: FROM, Body: 'Hi' }, code: 21211 },
    { case: 'Body over 1600 characters', form: { To: TO, From: FROM, Body: 'a'.repeat(1601) }, code: 21617 },
    { case: 'StatusCallback not a URL', form: { To: TO, From: FROM, Body: 'Hi', StatusCallback: 'status' }, code: 21609 },
  ])('rejects $case with $code', async ({ form, code }) => {
    const { fake } = await startFake();

    const response = await rawRequest(fake, messagesPath, { method: 'POST', form });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code,
      message: expect.any(String),
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status: 400,
    });
    expect(fake.messages).toHaveLength(0);
  });

  it('reads a JSON body as having no To', async () => {
    const { fake } = await startFake();

    const response = await rawRequest(fake, messagesPath, { method: 'POST', json: { To: TO, From: FROM, Body: 'Hi' } });

    expect(response.status).toBe(400);
    expect(response.body.code).toBe(21604);
  });

  it.each([
    { to: '+15005550001', code: 21211 },
    { to: '+15005550002', code: 21612 },
    { to: '+15005550003', code: 21408 },
    { to: '+15005550004', code: 21610 },
    { to: '+15005550009', code: 21614 },
  ])('rejects magic To $to with $code', async ({ to, code }) => {
    const { fake, client } = await startFake();

    const error = await restExceptionOf(client.messages.create({ to, from: FROM, body: 'Hi' }));

    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.moreInfo).toBe(`https://www.twilio.com/docs/errors/${code}`);
    expect(error.message).toContain(to);
    expect(fake.messages).toHaveLength(0);
  });

  it.each([
    { from: '+15005550001', code: 21212 },
    { from: '+15005550007', code: 21606 },
    { from: '+15005550008', code: 21611 },
  ])('rejects magic From $from with $code', async ({ from, code }) => {
    const { client } = await startFake();

    const error = await restExceptionOf(client.messages.create({ to: TO, from, body: 'Hi' }));

    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
  });
});

describe('fake Twilio authentication', () => {
  it('rejects a wrong auth token', async () => {
    const { fake } = await startFake();
    const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: 'wrong', apiUrl: fake.url });

    const error = await restExceptionOf(client.messages.create({ to: TO, from: FROM, body: 'Hi' }));

    expect(error.status).toBe(401);
    expect(error.code).toBe(20003);
    expect(fake.messages).toHaveLength(0);
  });

  it('rejects a request without credentials', async () => {
    const { fake } = await startFake();

    const response = await rawRequest(fake, messagesPath, { auth: null });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(response.body).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
  });

  it('hides another account', async () => {
    const { fake } = await startFake();
    const otherAccount = 'AC' + 'f'.repeat(32);

    const response = await rawRequest(fake, `/2010-04-01/Accounts/${otherAccount}/Messages.json`);

    expect(response.status).toBe(404);
    expect(response.body.code).toBe(20404);
  });
});

describe('fake Twilio fetch and list', () => {
  it('fetches the message with its current status', async () => {
    const { fake, client } = await startFake();
    const created = await client.messages.create({ to: TO, from: FROM, body: 'Hello' });
    await fake.settled();

    const fetched = await client.messages(created.sid).fetch();

    expect(fetched.sid).toBe(created.sid);
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent?.getTime()).not.toBeNaN();
  });

  it('answers 404 for an unknown SID', async () => {
    const { client } = await startFake();
    const unknownSid = 'SM' + '0'.repeat(32);

    const error = await restExceptionOf(client.messages(unknownSid).fetch());

    expect(error.status).toBe(404);
    expect(error.code).toBe(20404);
  });

  it('lists newest first, filtered by To', async () => {
    const { client } = await startFake({ segmentsPerSecond: 1000 });
    const first = await client.messages.create({ to: TO, from: FROM, body: 'one' });
    await client.messages.create({ to: OTHER_TO, from: FROM, body: 'other' });
    const second = await client.messages.create({ to: TO, from: FROM, body: 'two' });

    const listed = await client.messages.list({ to: TO });

    expect(listed.map((message) => message.sid)).toEqual([second.sid, first.sid]);
  });

  it('filters by From', async () => {
    const { client } = await startFake({ segmentsPerSecond: 1000 });
    await client.messages.create({ to: TO, from: FROM, body: 'one' });
    const other = await client.messages.create({ to: TO, from: OTHER_FROM, body: 'two' });

    const listed = await client.messages.list({ from: OTHER_FROM });

    expect(listed.map((message) => message.sid)).toEqual([other.sid]);
  });

  it('filters by DateSent', async () => {
    const { fake, client } = await startFake();
    const sent = await client.messages.create({ to: TO, from: FROM, body: 'Hello' });
    await fake.settled();
    const tomorrow = new Date(Date.now() + 86_400_000);

    const today = await client.messages.list({ dateSent: new Date() });
    const later = await client.messages.list({ dateSentAfter: tomorrow });

    expect(today.map((message) => message.sid)).toEqual([sent.sid]);
    expect(later).toEqual([]);
  });

  it('pages through every message', async () => {
    const { client } = await startFake({ segmentsPerSecond: 1000 });
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await client.messages.create({ to: TO, from: FROM, body: `message ${i}` }));

    const listed = await client.messages.list({ pageSize: 2 });

    expect(listed.map((message) => message.sid)).toEqual(created.map((message) => message.sid).reverse());
  });

  it('returns Twilio paging fields', async () => {
    const { fake, client } = await startFake({ segmentsPerSecond: 1000 });
    for (let i = 0; i < 3; i++) await client.messages.create({ to: TO, from: FROM, body: `message ${i}` });

    const response = await rawRequest(fake, `${messagesPath}?PageSize=2`);

    expect(response.status).toBe(200);
    expect(response.body.messages).toHaveLength(2);
    expect(response.body.page).toBe(0);
    expect(response.body.page_size).toBe(2);
    expect(response.body.start).toBe(0);
    expect(response.body.end).toBe(1);
    expect(response.body.previous_page_uri).toBeNull();
    expect(response.body.first_page_uri).toBe(`${messagesPath}?PageSize=2&Page=0`);
    expect(response.body.next_page_uri).toMatch(new RegExp(`^${messagesPath}\\?PageSize=2&Page=1&PageToken=PASM[0-9a-f]{32}$`));
    expect(response.body.uri).toBe(`${messagesPath}?PageSize=2&Page=0`);
  });

  it('rejects an invalid PageSize', async () => {
    const { fake } = await startFake();

    const response = await rawRequest(fake, `${messagesPath}?PageSize=0`);

    expect(response.status).toBe(400);
  });
});

describe('fake Twilio sending rate', () => {
  it('spaces one sender by its rate', async () => {
    const { fake, client } = await startFake({ segmentsPerSecondBySender: { [FROM]: 5 } });

    for (let i = 0; i < 5; i++) await client.messages.create({ to: TO, from: FROM, body: `invite ${i}` });
    await fake.settled();

    const times = sentTimes(fake, FROM);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(800);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200);
  });

  it('counts segments, not messages', async () => {
    const { fake, client } = await startFake({ segmentsPerSecond: 10 });
    const twoSegments = 'a'.repeat(161);

    await client.messages.create({ to: TO, from: FROM, body: twoSegments });
    await client.messages.create({ to: TO, from: FROM, body: twoSegments });
    await fake.settled();

    const [first, second] = sentTimes(fake, FROM);
    expect(second! - first!).toBeGreaterThanOrEqual(200);
  });

  it('keeps senders independent', async () => {
    const { fake, client } = await startFake({ segmentsPerSecond: 2 });

    await client.messages.create({ to: TO, from: FROM, body: 'first' });
    await client.messages.create({ to: TO, from: FROM, body: 'second' });
    await client.messages.create({ to: TO, from: OTHER_FROM, body: 'other sender' });
    await fake.settled();

    const [, second] = sentTimes(fake, FROM);
    const [other] = sentTimes(fake, OTHER_FROM);
    expect(other!).toBeLessThan(second!);
  });

  it('applies a rate set while running', async () => {
    const { fake, client } = await startFake();
    fake.setSenderRate(FROM, 20);

    await client.messages.create({ to: TO, from: FROM, body: 'first' });
    await client.messages.create({ to: TO, from: FROM, body: 'second' });
    await fake.settled();

    const [first, second] = sentTimes(fake, FROM);
    expect(second! - first!).toBeGreaterThanOrEqual(50);
    expect(second! - first!).toBeLessThan(1000);
  });
});

describe('fake Twilio injected failures', () => {
  it('answers 429 as a RestException', async () => {
    const { fake, client } = await startFake();
    fake.failNextRequests(1, 429);

    const error = await restExceptionOf(client.messages.create({ to: TO, from: FROM, body: 'Hi' }));

    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error.status).toBe(429);
    expect(error.code).toBe(20429);
    expect(fake.messages).toHaveLength(0);
  });

  it('answers 500 as a RestException', async () => {
    const { fake, client } = await startFake();
    fake.failNextRequests(1, 500);

    const error = await restExceptionOf(client.messages.create({ to: TO, from: FROM, body: 'Hi' }));

    expect(error.status).toBe(500);
    expect(error.code).toBe(20500);
  });

  it('fails exactly the next N requests', async () => {
    const { fake, client } = await startFake();
    fake.failNextRequests(2, 429);

    const first = await restExceptionOf(client.messages.create({ to: TO, from: FROM, body: 'Hi' }));
    const second = await restExceptionOf(client.messages.create({ to: TO, from: FROM, body: 'Hi' }));
    const third = await client.messages.create({ to: TO, from: FROM, body: 'Hi' });

    expect(first.status).toBe(429);
    expect(second.status).toBe(429);
    expect(third.status).toBe('queued');
  });

  it('delays responses', async () => {
    const { fake, client } = await startFake();
    fake.setResponseDelay(150);

    const started = performance.now();
    await client.messages.create({ to: TO, from: FROM, body: 'Hi' });

    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('holds a request before it is processed, or its answer after', async () => {
    const { fake, client } = await startFake();

    fake.setResponseDelay(300);
    const before = client.messages.create({ to: TO, from: FROM, body: 'Held before' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.messages).toHaveLength(0);
    await before;
    fake.setResponseDelay(0);

    fake.setDelayAfterProcessing(300);
    let answered = false;
    const after = client.messages.create({ to: TO, from: FROM, body: 'Held after' }).then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.messages.map((message) => message.body)).toEqual(['Held before', 'Held after']);
    expect(answered).toBe(false);
    await after;
  });

  it('rejects every create until cleared', async () => {
    const { fake, client } = await startFake();
    fake.rejectCreates({ code: 21610, message: 'Blocked for this test.' });

    const first = await restExceptionOf(client.messages.create({ to: TO, from: FROM, body: 'Hi' }));
    const second = await restExceptionOf(client.messages.create({ to: OTHER_TO, from: FROM, body: 'Hi' }));
    fake.rejectCreates(undefined);
    const accepted = await client.messages.create({ to: TO, from: FROM, body: 'Hi' });

    expect(first.code).toBe(21610);
    expect(first.status).toBe(400);
    expect(first.message).toBe('Blocked for this test.');
    expect(second.code).toBe(21610);
    expect(accepted.status).toBe('queued');
  });
});

describe('fake Twilio status callbacks', () => {
  it('posts sent then delivered, signed', async () => {
    const { fake, client } = await startFake();
    const { callbackUrl, received } = await startCallbackReceiver();

    const message = await client.messages.create({ to: TO, from: FROM, body: 'Hi', statusCallback: callbackUrl });
    await fake.settled();

    expect(received.map((callback) => callback.fields.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const callback of received) {
      expect(callback.signatureValid).toBe(true);
      expect(callback.fields).toEqual({
        AccountSid: ACCOUNT_SID,
        ApiVersion: '2010-04-01',
        From: FROM,
        MessageSid: message.sid,
        MessageStatus: callback.fields.MessageStatus,
        SmsSid: message.sid,
        SmsStatus: callback.fields.MessageStatus,
        To: TO,
      });
    }
  });

  it('posts queued, sent, delivered for a Messaging Service', async () => {
    const { fake, client } = await startFake({ messagingServiceNumbers: { [MESSAGING_SERVICE_SID]: OTHER_FROM } });
    const { callbackUrl, received } = await startCallbackReceiver();

    await client.messages.create({ to: TO, messagingServiceSid: MESSAGING_SERVICE_SID, body: 'Hi', statusCallback: callbackUrl });
    await fake.settled();

    expect(received.map((callback) => callback.fields.MessageStatus)).toEqual(['queued', 'sent', 'delivered']);
    expect(received.every((callback) => callback.signatureValid)).toBe(true);
    expect(received.map((callback) => callback.fields.MessagingServiceSid)).toEqual(Array(3).fill(MESSAGING_SERVICE_SID));
    expect(received.map((callback) => callback.fields.From)).toEqual(Array(3).fill(OTHER_FROM));
  });

  it('posts undelivered with ErrorCode', async () => {
    const { fake, client } = await startFake();
    const { callbackUrl, received } = await startCallbackReceiver();
    fake.setDeliveryFailure(TO, { status: 'undelivered', errorCode: 30003 });

    const message = await client.messages.create({ to: TO, from: FROM, body: 'Hi', statusCallback: callbackUrl });
    await fake.settled();

    expect(received.map((callback) => callback.fields.MessageStatus)).toEqual(['sent', 'undelivered']);
    expect(received[0]?.fields.ErrorCode).toBeUndefined();
    expect(received[1]?.fields.ErrorCode).toBe('30003');
    expect(received[1]?.signatureValid).toBe(true);
    const fetched = await client.messages(message.sid).fetch();
    expect(fetched.status).toBe('undelivered');
    expect(fetched.errorCode).toBe(30003);
  });

  it('posts only failed for a message that fails', async () => {
    const { fake, client } = await startFake();
    const { callbackUrl, received } = await startCallbackReceiver();
    fake.setDeliveryFailure(TO, { status: 'failed', errorCode: 30008 });

    await client.messages.create({ to: TO, from: FROM, body: 'Hi', statusCallback: callbackUrl });
    await fake.settled();

    expect(received.map((callback) => callback.fields.MessageStatus)).toEqual(['failed']);
    expect(received[0]?.fields.ErrorCode).toBe('30008');
    expect(fake.messages[0]?.sentAt).toBeNull();
  });

  it('records a callback the receiver did not answer', async () => {
    const { fake, client } = await startFake({ callbackTimeoutMs: 1000 });
    const { callbackUrl } = await startCallbackReceiver();
    const unreachable = callbackUrl.replace(/:\d+\//, ':1/');

    await client.messages.create({ to: TO, from: FROM, body: 'Hi', statusCallback: unreachable });
    await fake.settled();

    expect(fake.statusCallbacks.map((callback) => callback.status)).toEqual(['sent', 'delivered']);
    expect(fake.statusCallbacks[0]?.responseStatus).toBeNull();
    expect(fake.statusCallbacks[0]?.error).not.toBeNull();
    expect(fake.messages[0]?.status).toBe('delivered');
  });
});

describe('countSegments', () => {
  it.each([
    { case: '160 GSM-7 characters', body: 'a'.repeat(160), encoding: 'GSM-7', segments: 1 },
    { case: '161 GSM-7 characters', body: 'a'.repeat(161), encoding: 'GSM-7', segments: 2 },
    { case: '306 GSM-7 characters', body: 'a'.repeat(306), encoding: 'GSM-7', segments: 2 },
    { case: '307 GSM-7 characters', body: 'a'.repeat(307), encoding: 'GSM-7', segments: 3 },
    { case: '80 euro signs', body: '€'.repeat(80), encoding: 'GSM-7', segments: 1 },
    { case: '159 letters and a euro sign', body: `${'a'.repeat(159)}€`, encoding: 'GSM-7', segments: 2 },
    // 306 septets fit two segments exactly, but the euro sign's two septets cannot straddle them.
    { case: 'a euro sign across a segment edge', body: `${'a'.repeat(152)}€${'a'.repeat(152)}`, encoding: 'GSM-7', segments: 3 },
    { case: '70 UCS-2 characters', body: 'ж'.repeat(70), encoding: 'UCS-2', segments: 1 },
    { case: '71 UCS-2 characters', body: 'ж'.repeat(71), encoding: 'UCS-2', segments: 2 },
    { case: '134 UCS-2 characters', body: 'ж'.repeat(134), encoding: 'UCS-2', segments: 2 },
    { case: '135 UCS-2 characters', body: 'ж'.repeat(135), encoding: 'UCS-2', segments: 3 },
    { case: '35 emoji', body: '🙂'.repeat(35), encoding: 'UCS-2', segments: 1 },
    { case: '36 emoji', body: '🙂'.repeat(36), encoding: 'UCS-2', segments: 2 },
    { case: 'GSM-7 text with one emoji', body: `${'a'.repeat(68)}🙂`, encoding: 'UCS-2', segments: 1 },
  ])('counts $case as $segments', ({ body, encoding, segments }) => {
    const count = countSegments(body);

    expect(count.encoding).toBe(encoding);
    expect(count.segments).toBe(segments);
  });

  it('reports segments in the resource', async () => {
    const { client } = await startFake();

    const message = await client.messages.create({ to: TO, from: FROM, body: 'a'.repeat(161) });

    expect(message.numSegments).toBe('2');
  });
});

describe('createTwilioClient', () => {
  it('rejects an apiUrl that is not http', () => {
    let caught: unknown;
    try {
      createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: 'ftp://127.0.0.1' });
    } catch (error) {
      caught = error;
    }

    expect(isParleyError(caught)).toBe(true);
    expect((caught as Error).message).toContain('ftp://127.0.0.1');
  });
});

describe('startFakeTwilio', () => {
  it('rejects an invalid account SID', async () => {
    await expect(startFakeTwilio({ accountSid: 'AC123', authToken: AUTH_TOKEN })).rejects.toThrow(/Invalid accountSid "AC123"/);
  });

  it('rejects a rate of zero', async () => {
    await expect(startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, segmentsPerSecond: 0 })).rejects.toThrow(
      /Invalid segmentsPerSecond 0/,
    );
  });
});
