import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { movesForward } from '../src/distribution/delivery-status.ts';
import type { DeliveryStatus } from '../src/storage/tables.ts';
import { parseWebhookForm, type WebhookFields } from '../src/twilio/webhook-form.ts';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import { SENDER, insertDistribution, insertOutboundMessage } from './support/distribution-rows.ts';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, RESPONDENT, createHarness, encodeForm, newMessageSid, readFixture, type Harness } from './support/harness.ts';

const FORM = 'application/x-www-form-urlencoded';
const STATUS_URL = `${PUBLIC_URL}/twilio/status`;
const FIXTURE_SID = 'SM3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f';
const MESSAGING_SERVICE_SID = 'MG00112233445566778899aabbccddeeff';

let harness: Harness;
let distributionId: number;

beforeEach(async () => {
  harness = await createHarness();
  distributionId = await insertDistribution(harness.db);
});

afterEach(async () => {
  await harness.close();
});

/** Fields of a status callback as Twilio sends them, with overrides. */
function statusFields(messageSid: string, status: string, overrides: WebhookFields = {}): WebhookFields {
  return {
    SmsSid: messageSid,
    SmsStatus: status,
    MessageStatus: status,
    To: RESPONDENT,
    MessageSid: messageSid,
    AccountSid: ACCOUNT_SID,
    From: SENDER,
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

async function postBody(body: string, signature: string) {
  return harness.post(body, { 'Content-Type': FORM, 'X-Twilio-Signature': signature }, '/twilio/status');
}

function postStatus(fields: WebhookFields) {
  return postBody(encodeForm(fields), signTwilioRequest(AUTH_TOKEN, STATUS_URL, fields));
}

/** Posts one callback per status, in order, each expected to be acknowledged. */
async function postStatuses(messageSid: string, ...events: Array<[string, WebhookFields?]>): Promise<void> {
  for (const [status, overrides] of events) {
    const response = await postStatus(statusFields(messageSid, status, overrides));
    expect(response.status).toBe(204);
  }
}

async function insertSent(messageSid: string, overrides: Partial<Parameters<typeof insertOutboundMessage>[1]> = {}): Promise<number> {
  return insertOutboundMessage(harness.db, { distribution_id: distributionId, recipient: RESPONDENT, message_sid: messageSid, ...overrides });
}

async function outboundRow(messageSid: string) {
  return harness.db
    .selectFrom('outbound_messages')
    .select(['delivery_status', 'error_code', 'error_message', 'state'])
    .where('message_sid', '=', messageSid)
    .executeTakeFirstOrThrow();
}

async function storedEvents(messageSid: string) {
  return harness.db
    .selectFrom('message_status_events')
    .select(['status', 'error_code', 'fields', 'received_at'])
    .where('message_sid', '=', messageSid)
    .orderBy('id')
    .execute();
}

async function suppressions() {
  return harness.db.selectFrom('suppressions').selectAll().orderBy('channel').execute();
}

describe('POST /twilio/status', () => {
  it.each([
    ['status-sent.form', 'sent', null],
    ['status-delivered.form', 'delivered', null],
    ['status-undelivered-30003.form', 'undelivered', 30003],
  ] as const)('applies fixture %s', async (fixture, status, errorCode) => {
    await insertSent(FIXTURE_SID);
    const body = readFixture(fixture);

    const response = await postBody(body, signTwilioRequest(AUTH_TOKEN, STATUS_URL, parseWebhookForm(body)));

    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    const row = await outboundRow(FIXTURE_SID);
    expect(row.delivery_status).toBe(status);
    expect(row.error_code).toBe(errorCode);
    const events = await storedEvents(FIXTURE_SID);
    expect(events).toHaveLength(1);
    expect(events[0]!.status).toBe(status);
    expect(events[0]!.error_code).toBe(errorCode);
    expect(JSON.parse(events[0]!.fields)).toEqual(parseWebhookForm(body));
  });

  it('orders fixtures, keeps first final', async () => {
    await insertSent(FIXTURE_SID);

    for (const fixture of ['status-sent.form', 'status-delivered.form', 'status-undelivered-30003.form']) {
      const body = readFixture(fixture);
      const response = await postBody(body, signTwilioRequest(AUTH_TOKEN, STATUS_URL, parseWebhookForm(body)));
      expect(response.status).toBe(204);
    }

    expect((await storedEvents(FIXTURE_SID)).map((event) => event.status)).toEqual(['sent', 'delivered', 'undelivered']);
    const row = await outboundRow(FIXTURE_SID);
    expect(row.delivery_status).toBe('delivered');
    expect(row.error_code).toBeNull();
  });

  it('stores the arrival time from the clock', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['sent']);

    const events = await storedEvents(sid);
    expect(events[0]!.received_at).toBe('2026-12-04T12:00:00.000Z');
  });

  it('keeps delivered when sent arrives later', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['delivered'], ['sent', { ErrorCode: '30001' }]);

    const row = await outboundRow(sid);
    expect(row.delivery_status).toBe('delivered');
    expect(row.error_code).toBeNull();
    expect((await storedEvents(sid)).map((event) => [event.status, event.error_code])).toEqual([
      ['delivered', null],
      ['sent', 30001],
    ]);
  });

  it('keeps the error code with undelivered', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['sent'], ['undelivered', { ErrorCode: '30003' }], ['delivered']);

    const row = await outboundRow(sid);
    expect(row.delivery_status).toBe('undelivered');
    expect(row.error_code).toBe(30003);
  });

  it('keeps failed when sent arrives later', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['failed', { ErrorCode: '30008' }], ['sent']);

    const row = await outboundRow(sid);
    expect(row.delivery_status).toBe('failed');
    expect(row.error_code).toBe(30008);
    expect(row.state).toBe('sent');
  });

  it('moves delivered to read', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['delivered'], ['read']);

    const row = await outboundRow(sid);
    expect(row.delivery_status).toBe('read');
    expect(row.error_code).toBeNull();
  });

  it('clears error code on a move', async () => {
    const sid = newMessageSid();
    await insertSent(sid, { delivery_status: 'queued', error_code: 30001, error_message: 'Queue overflow' });

    await postStatuses(sid, ['sent']);

    const row = await outboundRow(sid);
    expect(row.delivery_status).toBe('sent');
    expect(row.error_code).toBeNull();
    expect(row.error_message).toBeNull();
  });

  it('stores ErrorMessage with status', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['undelivered', { ErrorCode: '30005', ErrorMessage: 'Unknown destination handset' }]);

    const row = await outboundRow(sid);
    expect(row.error_code).toBe(30005);
    expect(row.error_message).toBe('Unknown destination handset');
  });

  it('stores a duplicate callback once', async () => {
    const sid = newMessageSid();
    await insertSent(sid);
    const fields = statusFields(sid, 'delivered');

    const first = await postStatus(fields);
    const second = await postStatus(fields);

    expect(first.status).toBe(204);
    expect(second.status).toBe(204);
    expect(second.body).toBe('');
    expect(await storedEvents(sid)).toHaveLength(1);
  });

  it('ignores repeated status, new code', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['undelivered', { ErrorCode: '30003' }], ['undelivered', { ErrorCode: '30005' }]);

    const events = await storedEvents(sid);
    expect(events).toHaveLength(1);
    expect(events[0]!.error_code).toBe(30003);
    expect((await outboundRow(sid)).error_code).toBe(30003);
  });

  it('reads SmsStatus when MessageStatus is absent', async () => {
    const sid = newMessageSid();
    await insertSent(sid);
    const { MessageStatus: _omitted, ...fields } = statusFields(sid, 'sent');

    const response = await postStatus(fields);

    expect(response.status).toBe(204);
    expect((await outboundRow(sid)).delivery_status).toBe('sent');
  });

  it('stores an unknown status without applying it', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['sent'], ['partially_delivered']);

    expect((await storedEvents(sid)).map((event) => event.status)).toEqual(['sent', 'partially_delivered']);
    expect((await outboundRow(sid)).delivery_status).toBe('sent');
  });

  it('acknowledges a MessageSid Parley never sent', async () => {
    const sid = newMessageSid();
    const other = newMessageSid();
    await insertSent(other);

    const response = await postStatus(statusFields(sid, 'delivered'));

    expect(response.status).toBe(204);
    expect(await storedEvents(sid)).toHaveLength(1);
    expect((await outboundRow(other)).delivery_status).toBe('queued');
  });

  it('rejects a wrong signature and stores nothing', async () => {
    const sid = newMessageSid();
    await insertSent(sid);
    const fields = statusFields(sid, 'delivered');

    const response = await postBody(encodeForm(fields), signTwilioRequest('another-token', STATUS_URL, fields));

    expect(response.status).toBe(403);
    expect(response.body).toContain('Invalid or missing X-Twilio-Signature.');
    expect(await storedEvents(sid)).toHaveLength(0);
    expect((await outboundRow(sid)).delivery_status).toBe('queued');
  });

  it('rejects a signature over the messages URL', async () => {
    const fields = statusFields(newMessageSid(), 'delivered');

    const response = await postBody(encodeForm(fields), signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages`, fields));

    expect(response.status).toBe(403);
  });

  it('rejects a body that is not form-encoded', async () => {
    const response = await harness.post('{}', { 'Content-Type': 'application/json' }, '/twilio/status');

    expect(response.status).toBe(415);
  });

  it('rejects a missing MessageSid', async () => {
    const { MessageSid: _omitted, ...fields } = statusFields(newMessageSid(), 'delivered');

    const response = await postStatus(fields);

    expect(response.status).toBe(400);
    expect(response.body).toContain('Invalid status callback: MessageSid is missing.');
    expect(await harness.db.selectFrom('message_status_events').selectAll().execute()).toHaveLength(0);
  });

  it('rejects a missing status', async () => {
    const { MessageStatus: _message, SmsStatus: _sms, ...fields } = statusFields(newMessageSid(), 'delivered');

    const response = await postStatus(fields);

    expect(response.status).toBe(400);
    expect(response.body).toContain('MessageStatus is missing, and so is SmsStatus.');
  });

  it('rejects an ErrorCode that is not a number', async () => {
    const response = await postStatus(statusFields(newMessageSid(), 'failed', { ErrorCode: 'oops' }));

    expect(response.status).toBe(400);
    expect(response.body).toContain('ErrorCode "oops" is not a whole number.');
  });

  it('suppresses on 21610 for row sender', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['failed', { ErrorCode: '21610' }]);

    const rows = await suppressions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ respondent: RESPONDENT, channel: SENDER, source: 'twilio_21610', message_sid: sid });
    expect((await outboundRow(sid)).error_code).toBe(21610);
  });

  it('suppresses for row Messaging Service', async () => {
    const sid = newMessageSid();
    await insertSent(sid, { sender: MESSAGING_SERVICE_SID });

    await postStatuses(sid, ['failed', { ErrorCode: '21610', MessagingServiceSid: MESSAGING_SERVICE_SID }]);

    const rows = await suppressions();
    expect(rows.map((row) => row.channel)).toEqual([MESSAGING_SERVICE_SID]);
  });

  it.each([
    ['MessagingServiceSid', { MessagingServiceSid: MESSAGING_SERVICE_SID }, MESSAGING_SERVICE_SID],
    ['From', {}, SENDER],
  ] as const)('suppresses an unknown MessageSid by %s', async (_name, overrides, channel) => {
    await postStatuses(newMessageSid(), ['failed', { ErrorCode: '21610', ...overrides }]);

    const rows = await suppressions();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.respondent).toBe(RESPONDENT);
    expect(rows[0]!.channel).toBe(channel);
  });

  it('does not suppress on other error codes', async () => {
    const sid = newMessageSid();
    await insertSent(sid);

    await postStatuses(sid, ['undelivered', { ErrorCode: '30003' }]);

    expect(await suppressions()).toHaveLength(0);
  });
});

describe('movesForward', () => {
  it.each<[DeliveryStatus | null, DeliveryStatus, boolean]>([
    [null, 'accepted', true],
    [null, 'delivered', true],
    ['accepted', 'scheduled', false],
    ['scheduled', 'queued', true],
    ['accepted', 'queued', true],
    ['queued', 'sending', true],
    ['sending', 'sent', true],
    ['sent', 'queued', false],
    ['sent', 'delivered', true],
    ['delivered', 'sent', false],
    ['delivered', 'undelivered', false],
    ['undelivered', 'delivered', false],
    ['failed', 'sent', false],
    ['canceled', 'delivered', false],
    ['delivered', 'read', true],
    ['read', 'delivered', false],
  ])('%s to %s is %s', (current, next, expected) => {
    expect(movesForward(current, next)).toBe(expected);
  });
});
