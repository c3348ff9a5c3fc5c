import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWebhookForm } from '../src/twilio/webhook-form.ts';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import { AUTH_TOKEN, WEBHOOK_URL, createHarness, readFixture, type Harness } from './support/harness.ts';

// The example surveys, driven by Twilio-shaped bodies posted exactly as stored.
let harness: Harness;

beforeEach(async () => {
  harness = await createHarness();
});

afterEach(async () => {
  await harness.close();
});

function postFixture(name: string) {
  const body = readFixture(name);
  return harness.post(body, {
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, parseWebhookForm(body)),
  });
}

async function storedFields(sid: string): Promise<unknown> {
  const row = await harness.db.selectFrom('messages').select('fields').where('message_sid', '=', sid).executeTakeFirstOrThrow();
  return JSON.parse(row.fields);
}

describe('fixture webhooks', () => {
  it('starts the customer survey on FEEDBACK', async () => {
    const response = await postFixture('inbound-sms.form');
    expect(response.status).toBe(200);
    expect(response.messages[0]).toMatch(/^Hi, this is Acme\./);
    expect(response.messages[0]).toMatch(/Reply with a number from 0 \(not at all likely\) to 10/);
  });

  it('stores every field of the fixture', async () => {
    await postFixture('inbound-sms.form');
    const expected = { ...parseWebhookForm(readFixture('inbound-sms.form')) };
    expect(await storedFields('SM5f1c0e2a9b8d4c3e7a6b5d4c3e2f1a0b')).toEqual(expected);
  });

  it('keeps a Messaging Service conversation apart', async () => {
    await postFixture('inbound-sms.form');
    const response = await postFixture('inbound-messaging-service.form');
    expect(response.messages[0]).toMatch(/^To take a survey, text /);
    const channels = await harness.db.selectFrom('messages').select('channel').orderBy('id').execute();
    expect(channels).toEqual([{ channel: '+15555550100' }, { channel: 'MG00112233445566778899aabbccddeeff' }]);
  });

  it('asks again after a picture without text', async () => {
    await postFixture('inbound-sms.form');
    const response = await postFixture('inbound-mms-no-text.form');
    expect(response.messages[0]).toMatch(/^Please reply with a number from 0 to 10\.\n\nHow likely/);
    const fields = (await storedFields('MM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b')) as Record<string, string>;
    expect(fields.MediaUrl0).toBe(
      'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b/Media/ME00112233445566778899aabbccddeeff',
    );
  });

  it('follows Advanced Opt-Out silently', async () => {
    const response = await postFixture('inbound-advanced-opt-out-stop.form');
    expect(response.status).toBe(200);
    expect(response.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const suppressions = await harness.db.selectFrom('suppressions').selectAll().execute();
    expect(suppressions).toMatchObject([
      { respondent: '+15555550123', channel: 'MG00112233445566778899aabbccddeeff', source: 'twilio_opt_out' },
    ]);
  });
});
