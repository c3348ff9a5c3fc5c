import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_BODY_BYTES } from '../src/http/twilio-webhook.ts';
import { parseWebhookForm } from '../src/twilio/webhook-form.ts';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import {
  AUTH_TOKEN,
  PUBLIC_URL,
  WEBHOOK_URL,
  createHarness,
  encodeForm,
  inboundFields,
  readFixture,
  type Harness,
} from './support/harness.ts';

const FORM = 'application/x-www-form-urlencoded';

const SURVEY = {
  id: 'escape',
  title: 'Escaping',
  keywords: ['FEEDBACK'],
  questions: [{ id: 'q', type: 'text', text: 'Q&A <beta> "quoted"' }],
  end: 'Done & dusted.',
};

let harness: Harness;

beforeEach(async () => {
  harness = await createHarness({ surveys: { 'escape.json': SURVEY } });
});

afterEach(async () => {
  await harness.close();
});

async function countMessages(): Promise<number> {
  const row = await harness.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

async function storedBody(sid: string): Promise<string | undefined> {
  const row = await harness.db.selectFrom('messages').select('body').where('message_sid', '=', sid).executeTakeFirst();
  return row?.body;
}

describe('POST /twilio/messages', () => {
  it('accepts a signed fixture body', async () => {
    const body = readFixture('inbound-sms.form');
    const response = await harness.post(body, {
      'Content-Type': FORM,
      'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, parseWebhookForm(body)),
    });
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/xml; charset=utf-8');
    expect(XMLValidator.validate(response.body)).toBe(true);
    expect(response.messages).toHaveLength(1);
  });

  it('escapes reply text', async () => {
    const response = await harness.text('FEEDBACK');
    expect(response.body).toContain('<Message>Q&amp;A &lt;beta&gt; "quoted"</Message>');
    expect(response.messages).toEqual(['Q&A <beta> "quoted"']);
  });

  it('rejects a wrong signature and stores nothing', async () => {
    const fields = inboundFields('FEEDBACK');
    const response = await harness.post(encodeForm(fields), {
      'Content-Type': FORM,
      'X-Twilio-Signature': signTwilioRequest('another-token', WEBHOOK_URL, fields),
    });
    expect(response.status).toBe(403);
    expect(response.contentType).toBe('text/xml; charset=utf-8');
    expect(XMLValidator.validate(response.body)).toBe(true);
    expect(response.body).toContain('Invalid or missing X-Twilio-Signature.');
    expect(await countMessages()).toBe(0);
  });

  it('rejects a missing signature and stores nothing', async () => {
    const response = await harness.post(encodeForm(inboundFields('FEEDBACK')), { 'Content-Type': FORM });
    expect(response.status).toBe(403);
    expect(await countMessages()).toBe(0);
  });

  it('rejects a signature over the wrong URL', async () => {
    const fields = inboundFields('FEEDBACK');
    const response = await harness.post(encodeForm(fields), {
      'Content-Type': FORM,
      'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, 'https://other.example.org/twilio/messages', fields),
    });
    expect(response.status).toBe(403);
  });

  it('accepts a signature over the URL with :443', async () => {
    const fields = inboundFields('FEEDBACK');
    const response = await harness.post(encodeForm(fields), {
      'Content-Type': FORM,
      'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, 'https://surveys.example.org:443/twilio/messages', fields),
    });
    expect(response.status).toBe(200);
  });

  it('verifies repeated keys over every value', async () => {
    const fields = inboundFields('FEEDBACK', { Tag: ['b', 'a'] });
    const body = encodeForm(fields);
    const good = await harness.post(body, { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields) });
    expect(good.status).toBe(200);

    const onlyFirst = { ...fields, Tag: 'b' };
    const forged = await harness.post(body, { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, onlyFirst) });
    expect(forged.status).toBe(403);
  });

  it.each([
    ['emoji', 'Great service 👍🏽🎉'],
    ['Cyrillic', 'Спасибо, всё отлично'],
    ['curly quotes', '“It’s fine” ‘mostly’'],
    ['leading and trailing spaces', '  spaced out  '],
    ['plus and ampersand', '1+1 & 2=2?'],
  ])('verifies and stores a body with %s unchanged', async (_case, text) => {
    await harness.text('FEEDBACK');
    const fields = inboundFields(text);
    const response = await harness.postSigned(fields);
    expect(response.status).toBe(200);
    expect(await storedBody(fields.MessageSid as string)).toBe(text);
  });

  it('rejects a signed body without a MessageSid', async () => {
    const fields = inboundFields('hi');
    delete fields.MessageSid;
    const response = await harness.postSigned(fields);
    expect(response.status).toBe(400);
    expect(response.body).toContain('Invalid inbound message webhook: MessageSid is missing.');
    expect(XMLValidator.validate(response.body)).toBe(true);
    expect(await countMessages()).toBe(0);
  });

  it('keeps "--" out of the error comment', async () => {
    const response = await harness.postSigned(inboundFields('hi', { MessageSid: 'SM--x-' }));
    expect(response.status).toBe(400);
    const comment = /<!--(.*)-->/s.exec(response.body)![1]!;
    expect(comment).not.toContain('--');
    expect(comment).toContain('MessageSid "SM- -x-" is not a Twilio SID');
  });

  it('rejects an absurd NumMedia', async () => {
    const response = await harness.postSigned(inboundFields('hi', { NumMedia: '99999' }));
    expect(response.status).toBe(400);
    expect(response.body).toContain('NumMedia "99999" is not a whole number from 0 to 10');
  });

  it('rejects a body over 64 KiB', async () => {
    const fields = inboundFields('x'.repeat(MAX_WEBHOOK_BODY_BYTES));
    const response = await harness.postSigned(fields);
    expect(response.status).toBe(413);
    expect(XMLValidator.validate(response.body)).toBe(true);
    expect(await countMessages()).toBe(0);
  });

  it('rejects a JSON body', async () => {
    const response = await harness.post('{"Body":"hi"}', { 'Content-Type': 'application/json' });
    expect(response.status).toBe(415);
    expect(response.body).toContain('Content-Type "application/json" is not supported');
  });

  it('rejects a body that is not UTF-8', async () => {
    const response = await harness.app.request('/twilio/messages', {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: new Uint8Array([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xff, 0xfe]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Request body is not valid UTF-8.');
  });

  it('answers health checks', async () => {
    const response = await harness.app.request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('POST /twilio/messages on a real port', () => {
  let server: ReturnType<typeof serve>;
  let port: number;

  beforeEach(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Posts with a raw request target, which fetch() would percent-encode. */
  function rawPost(target: string, body: string, signature: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: target, headers: { 'Content-Type': FORM, 'X-Twilio-Signature': signature, ...headers } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  it("verifies a query string with ' and + as received", async () => {
    const target = "/twilio/messages?name=O'Brien&tag=a+b";
    const fields = inboundFields('FEEDBACK');
    const response = await rawPost(target, encodeForm(fields), signTwilioRequest(AUTH_TOKEN, PUBLIC_URL + target, fields));
    expect(response.status).toBe(200);
    expect(response.body).toContain('<Message>');
  });

  it('ignores forwarded host headers', async () => {
    const fields = inboundFields('FEEDBACK');
    const forged = 'https://attacker.example.net/twilio/messages';
    const headers = {
      Host: 'attacker.example.net',
      'X-Forwarded-Host': 'attacker.example.net',
      'X-Forwarded-Proto': 'https',
      Forwarded: 'host=attacker.example.net;proto=https',
    };
    const response = await rawPost('/twilio/messages', encodeForm(fields), signTwilioRequest(AUTH_TOKEN, forged, fields), headers);
    expect(response.status).toBe(403);
    expect(await countMessages()).toBe(0);
  });

  it('verifies against PUBLIC_URL behind a proxy', async () => {
    const fields = inboundFields('FEEDBACK');
    const headers = { Host: '10.0.0.7:3000', 'X-Forwarded-Host': 'internal.example.net', 'X-Forwarded-Proto': 'http' };
    const response = await rawPost('/twilio/messages', encodeForm(fields), signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields), headers);
    expect(response.status).toBe(200);
    expect(await countMessages()).toBe(1);
  });

  it('rejects a declared length over 64 KiB', async () => {
    const fields = inboundFields('x'.repeat(MAX_WEBHOOK_BODY_BYTES));
    const response = await rawPost('/twilio/messages', encodeForm(fields), signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields));
    expect(response.status).toBe(413);
    expect(response.body).toContain(`Request body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes.`);
  });

  it('rejects a chunked body over 64 KiB', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/twilio/messages', headers: { 'Content-Type': FORM, 'Transfer-Encoding': 'chunked' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      for (let chunk = 0; chunk < 20; chunk++) request.write(`Body=${'y'.repeat(8 * 1024)}`);
      request.end();
    });
    expect(status).toBe(413);
  });

  it('accepts a chunked body under the limit', async () => {
    const fields = inboundFields('FEEDBACK');
    const body = encodeForm(fields);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/twilio/messages',
          headers: { 'Content-Type': FORM, 'Transfer-Encoding': 'chunked', 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields) },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 50));
      request.end(body.slice(50));
    });
    expect(status).toBe(200);
  });

  it('rejects the same request signed over an encoded query', async () => {
    const target = "/twilio/messages?name=O'Brien&tag=a+b";
    const fields = inboundFields('FEEDBACK');
    const signature = signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages?name=O%27Brien&tag=a%20b`, fields);
    const response = await rawPost(target, encodeForm(fields), signature);
    expect(response.status).toBe(403);
  });
});
