import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeForMatching } from '../src/engine/answers/normalize.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../src/http/twilio-webhook.ts';
import type { WebhookFields } from '../src/twilio/webhook-form.ts';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import {
  AUTH_TOKEN,
  PARLEY_NUMBER,
  RESPONDENT,
  WEBHOOK_URL,
  createHarness,
  encodeForm,
  inboundFields,
  type Harness,
} from './support/harness.ts';
import { byTestScale } from './support/test-scale.ts';

// Property-based tests that post generated requests to POST /twilio/messages through
// the real app. fast-check prints the seed and the shrunk request when a property fails.

const FORM = 'application/x-www-form-urlencoded';
const DOCUMENTED_STATUSES = [200, 400, 403, 413, 415];
// Full sizes run every property ten times as often. Both sizes send at least 10,000
// requests, the minimum this suite must generate.
const RUN_FACTOR = byTestScale({ reduced: 1, full: 10 });
const MIN_GENERATED_REQUESTS = 10_000 * RUN_FACTOR;
const PROPERTY_TIMEOUT_MS = 120_000 * RUN_FACTOR;

// Characters outside the XML 1.0 Char production. A document that contains one is not well-formed.
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// Twilio SIDs are two letters and 32 hex digits.
const TWILIO_SID = /^[A-Za-z]{2}[0-9a-fA-F]{32}$/;
const REQUIRED_FIELDS = ['MessageSid', 'AccountSid', 'From', 'To'] as const;

let harness: Harness;
let generatedRequests = 0;
// Responses with characters XML 1.0 forbids. XMLValidator accepts them, so they are collected
// here and reported by one test, and the properties go on checking everything else.
const nonXmlResponses: string[] = [];
let sidCounter = 0;

beforeAll(async () => {
  harness = await createHarness();
});

afterAll(async () => {
  await harness.close();
});

// ---------------------------------------------------------------------------
// Generators

/** Characters that trouble parsers, encoders and XML writers. */
const edgeCharacter = fc.constantFrom(
  '\u0000', '\u0001', '\u0008', '\t', '\n', '\u000B', '\u000C', '\r', '\u001B', '\u007F', '\u0085', '\u00A0',
  '\u200B', '\u200D', '\u200E', '\u200F', '\u202E', '\u2028', '\u2029', '\uFEFF', '\uFFFD', '\uFFFE', '\uFFFF',
  '&', '<', '>', '"', "'", '=', '+', '%', ';', ' ', '-', '--', ']]>', '%ZZ', '%E2%82', '%ED%A0%80',
);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const combiningMark = fc.integer({ min: 0x0300, max: 0x036f }).map((code) => String.fromCharCode(code));
const rightToLeft = fc.oneof(
  fc.integer({ min: 0x05d0, max: 0x05ea }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0x0621, max: 0x064a }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\u061C', '\u202B', '\u2067', '\u2069'),
);
const emoji = fc.constantFrom('👍', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇺🇸', '🛑', '1️⃣', '🎉');

/** One unit of generated text: ASCII, any code point, a grapheme, or one of the hard cases above. */
const textUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: edgeCharacter },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: combiningMark },
  { weight: 1, arbitrary: rightToLeft },
  { weight: 1, arbitrary: emoji },
);

/** Generates text of `textUnit`s. A larger size lets fast-check reach long lengths, not only short ones. */
function text(maxLength: number, minLength = 0): fc.Arbitrary<string> {
  const size = maxLength > 100 ? 'large' : 'medium';
  return fc.string({ unit: textUnit, minLength, maxLength, size });
}

/** A header value the Fetch API accepts: Latin-1 without NUL, CR or LF. */
const headerValue = fc.string({
  unit: fc
    .integer({ min: 0x01, max: 0xff })
    .filter((code) => code !== 0x0a && code !== 0x0d)
    .map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

/** A Content-Type header, or undefined for none. */
const contentTypeHeader = fc.option(
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(FORM) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        `${FORM}; charset=utf-8`,
        'APPLICATION/X-WWW-FORM-URLENCODED',
        `${FORM} ;charset=latin1`,
        `${FORM}\t; x=y`,
        `${FORM},text/plain`,
        `${FORM}x`,
        'application/x-www-form',
        'application/json',
        'text/plain',
        'text/xml',
        'multipart/form-data; boundary=x',
        '*/*',
        '',
      ),
    },
    { weight: 1, arbitrary: headerValue.map((suffix) => FORM + suffix) },
    { weight: 1, arbitrary: headerValue },
  ),
  { nil: undefined, freq: 8 },
);

const fieldName = fc.oneof(
  text(12, 1),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'body', 'Body ', 'MediaUrl0', 'ProfileName', '0', '12'),
);

const respondent = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(RESPONDENT, '+15555550124', '+447700900123', 'whatsapp:+4915112345678') },
  { weight: 1, arbitrary: text(20, 1) },
);

/** Noise a phone adds around a keyword: spaces, punctuation, emoji, invisible characters. */
const keywordNoise = fc.string({ unit: fc.constantFrom(' ', '!', '.', '🛑', '\u200D', '\uFE0F', '\u0000', '\n'), maxLength: 3 });
// Survey keywords and opt-ins outweigh opt-outs, so most respondents are not opted out.
const keyword = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('FEEDBACK', 'feedback', 'ＦＥＥＤＢＡＣＫ', 'EVENT', 'CHECKIN', 'PHQ2') },
  { weight: 2, arbitrary: fc.constantFrom('START', 'UNSTOP', 'YES') },
  { weight: 1, arbitrary: fc.constantFrom('STOP', 'stop all', 'opt-out', 'Stop.', 'ｓｔｏｐ') },
  { weight: 1, arbitrary: fc.constantFrom('HELP', 'info', 'please stop the noise') },
);
const keywordMessage = fc.tuple(keywordNoise, keyword, keywordNoise).map(([before, word, after]) => before + word + after);
const answerMessage = fc.oneof(
  fc.integer({ min: -5, max: 15 }).map(String),
  fc.constantFrom('yes', 'no', 'Yep', 'nope', '٣', '１０', '7/10', 'about 30', '1,000', '3,5', '#2', '2.', '1e3', '-0', ''),
  fc.double().map(String),
);
/** The Body of a signed message: free text of SMS length, a keyword or an answer. */
const messageBody = fc.oneof(
  { weight: 3, arbitrary: text(160) },
  { weight: 2, arbitrary: keywordMessage },
  { weight: 2, arbitrary: answerMessage },
  { weight: 1, arbitrary: text(1600) },
);

/** Extra fields Twilio might add, and extra values for fields already present. */
const extraFields = fc.array(fc.tuple(fieldName, text(30)), { maxLength: 4 });
const repeatedValues = fc.array(fc.tuple(fc.constantFrom('Body', 'MessageSid', 'From', 'To', 'AccountSid', 'NumMedia', 'SmsSid'), text(20)), {
  maxLength: 2,
});

/** How the fields are written on the wire; both decode to the same fields. */
const formEncoding = fc.constantFrom('standard', 'minimal');
type FormEncoding = 'standard' | 'minimal';

// ---------------------------------------------------------------------------
// Request building

function freshMessageSid(): string {
  sidCounter += 1;
  return `SM${sidCounter.toString(16).padStart(32, '0')}`;
}

/** Copies fields into an object without a prototype, so `__proto__` is an ordinary key. */
function plainFields(fields: WebhookFields): WebhookFields {
  return Object.assign(Object.create(null) as WebhookFields, fields);
}

/** Adds extra fields whose names are not taken, then appends repeated values to existing fields. */
function addFields(fields: WebhookFields, extras: Array<[string, string]>, repeats: Array<[string, string]>): WebhookFields {
  const result = plainFields(fields);
  for (const [name, value] of extras) {
    if (!Object.hasOwn(result, name)) result[name] = value;
  }
  for (const [name, value] of repeats) {
    const existing = result[name];
    if (existing !== undefined) result[name] = [...[existing].flat(), value];
  }
  return result;
}

/** Percent-encodes only `%`, `&`, `=`, `+` and space, in lower-case hex, and sends the rest as raw UTF-8. */
function encodeFormMinimally(fields: WebhookFields): string {
  const escape = (value: string) => value.replace(/[%&=+ ]/g, (character) => `%${character.charCodeAt(0).toString(16)}`);
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    for (const item of [value].flat()) pairs.push(`${escape(key)}=${escape(item)}`);
  }
  return pairs.join('&');
}

function encodeWith(encoding: FormEncoding, fields: WebhookFields): string {
  return encoding === 'standard' ? encodeForm(fields) : encodeFormMinimally(fields);
}

/** Decodes a form body with the WHATWG URLSearchParams parser, keeping repeated keys as arrays. */
function decodeForm(body: string): WebhookFields {
  const fields: WebhookFields = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = fields[key];
    fields[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return fields;
}

/** Returns the fields a server decodes from `body` sent as UTF-8, where lone surrogates arrive as U+FFFD. */
function fieldsOnTheWire(body: string | Uint8Array): WebhookFields {
  return decodeForm(Buffer.from(toBytes(body)).toString('utf8'));
}

function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function firstOf(fields: WebhookFields, name: string): string | undefined {
  return [fields[name] ?? []].flat()[0];
}

/** Signs the fields a server decodes from `body`, as Twilio signs the parameters it sent. */
function signBody(body: string | Uint8Array, authToken = AUTH_TOKEN, url = WEBHOOK_URL): string {
  return signTwilioRequest(authToken, url, fieldsOnTheWire(body));
}

function isFormContentType(value: string | null): boolean {
  return value !== null && value.split(';')[0]!.trim().toLowerCase() === FORM;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Sending and checking

interface Sent {
  status: number;
  body: string;
  /** Content-Type as the request carried it, after the Fetch API filled in or normalized it. */
  requestContentType: string | null;
  requestBytes: number;
}

/** Posts one generated request, counts it and checks what every response must satisfy. */
async function send(body: string | Uint8Array, headers: Record<string, string>): Promise<Sent> {
  generatedRequests += 1;
  const payload = typeof body === 'string' ? body : new Uint8Array(body);
  const request = new Request('http://localhost/twilio/messages', { method: 'POST', headers, body: payload });
  const requestContentType = request.headers.get('content-type');
  const response = await harness.app.request(request);
  const twiml = await response.text();

  expect(response.status).not.toBe(500);
  expect(DOCUMENTED_STATUSES).toContain(response.status);
  expect(response.headers.get('content-type')?.split(';')[0]).toBe('text/xml');
  expect(XMLValidator.validate(twiml)).toBe(true);
  if (NOT_XML_CHARACTER.test(twiml) && nonXmlResponses.length < 5) nonXmlResponses.push(`${response.status} ${JSON.stringify(twiml)}`);
  expect(twiml).toMatch(/<Response\s*\/?>/);
  expect(countMessageElements(twiml)).toBeLessThanOrEqual(1);

  return { status: response.status, body: twiml, requestContentType, requestBytes: toBytes(body).length };
}

function countMessageElements(twiml: string): number {
  return twiml.match(/<Message[\s>/]/g)?.length ?? 0;
}

function formHeaders(signature: string | undefined): Record<string, string> {
  return signature === undefined ? { 'Content-Type': FORM } : { 'Content-Type': FORM, 'X-Twilio-Signature': signature };
}

async function countStored(messageSid?: string): Promise<number> {
  let query = harness.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('count'));
  if (messageSid !== undefined) query = query.where('message_sid', '=', messageSid);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

async function storedBody(messageSid: string): Promise<string | undefined> {
  const row = await harness.db.selectFrom('messages').select('body').where('message_sid', '=', messageSid).executeTakeFirst();
  return row?.body;
}

/** Lists the fields that make a signed request invalid (400). The list is empty for a valid request. */
function invalidFieldsOf(fields: WebhookFields): string[] {
  const invalid: string[] = [];
  for (const name of REQUIRED_FIELDS) {
    const value = firstOf(fields, name);
    const malformedSid = (name === 'MessageSid' || name === 'AccountSid') && value !== undefined && !TWILIO_SID.test(value);
    if (value === undefined || value === '' || malformedSid) invalid.push(name);
  }
  const numMedia = firstOf(fields, 'NumMedia');
  if (numMedia !== undefined && !(/^[0-9]{1,2}$/.test(numMedia) && Number(numMedia) <= 10)) invalid.push('NumMedia');
  return invalid;
}

// ---------------------------------------------------------------------------
// Unsigned and forged requests

type BodySpec =
  | { kind: 'form'; body: string; encoding: FormEncoding; extras: Array<[string, string]> }
  | { kind: 'text'; text: string }
  | { kind: 'truncated'; body: string; keep: number }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'invalid UTF-8'; body: string; at: number; bytes: readonly number[] }
  | { kind: 'oversize'; padding: string; extraBytes: number };

/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, truncated and out-of-range forms. */
const invalidUtf8Sequence = fc.constantFrom([0x80], [0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xf4, 0x90, 0x80, 0x80]);

const unsignedBodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  fc.record({ kind: fc.constant('form' as const), body: messageBody, encoding: formEncoding, extras: extraFields }),
  fc.record({ kind: fc.constant('text' as const), text: text(300) }),
  fc.record({ kind: fc.constant('truncated' as const), body: messageBody, keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({
    kind: fc.constant('invalid UTF-8' as const),
    body: messageBody,
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: invalidUtf8Sequence,
  }),
  fc.record({
    kind: fc.constant('oversize' as const),
    padding: text(4, 1),
    extraBytes: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 3 * MAX_WEBHOOK_BODY_BYTES })),
  }),
);

/** Builds the raw body for a spec. A valid-looking message gets a fresh MessageSid. */
function buildUnsignedBody(spec: BodySpec): string | Uint8Array {
  switch (spec.kind) {
    case 'form':
      return encodeWith(spec.encoding, addFields(inboundFields(spec.body, { MessageSid: freshMessageSid() }), spec.extras, []));
    case 'text':
      return spec.text;
    case 'truncated': {
      const form = encodeForm(inboundFields(spec.body, { MessageSid: freshMessageSid() }));
      return form.slice(0, Math.floor(form.length * spec.keep));
    }
    case 'bytes':
      return spec.bytes;
    case 'invalid UTF-8': {
      const form = Buffer.from(encodeForm(inboundFields(spec.body, { MessageSid: freshMessageSid() })), 'utf8');
      const at = Math.floor(form.length * spec.at);
      return Buffer.concat([form.subarray(0, at), Buffer.from(spec.bytes), form.subarray(at)]);
    }
    case 'oversize': {
      const fields = inboundFields('', { MessageSid: freshMessageSid() });
      const target = MAX_WEBHOOK_BODY_BYTES + spec.extraBytes;
      fields.Body = spec.padding.repeat(Math.ceil(target / Buffer.byteLength(spec.padding)));
      return encodeForm(fields);
    }
  }
}

type Forgery = 'missing' | 'empty' | 'wrong token' | 'wrong URL' | 'tampered fields' | 'truncated' | { random: string };

const forgery: fc.Arbitrary<Forgery> = fc.oneof(
  fc.constantFrom('missing', 'empty', 'wrong token', 'wrong URL', 'tampered fields', 'truncated'),
  fc.record({ random: fc.oneof(fc.base64String({ minLength: 28, maxLength: 28 }), headerValue) }),
);

const WRONG_URLS = [
  'http://surveys.example.org/twilio/messages',
  'https://surveys.example.org/twilio/messages/',
  'https://surveys.example.org/twilio/messages?x=1',
  'https://SURVEYS.example.org/twilio/Messages',
  'https://surveys.example.org:8443/twilio/messages',
];

/** Returns an X-Twilio-Signature that does not match the body, or undefined for none. */
function forgeSignature(kind: Forgery, body: string | Uint8Array, pick: number): string | undefined {
  if (typeof kind === 'object') return kind.random;
  switch (kind) {
    case 'missing':
      return undefined;
    case 'empty':
      return '';
    case 'wrong token':
      return signBody(body, `f${AUTH_TOKEN.slice(1)}`);
    case 'wrong URL':
      return signBody(body, AUTH_TOKEN, WRONG_URLS[pick % WRONG_URLS.length]);
    case 'tampered fields': {
      const fields = fieldsOnTheWire(body);
      fields.Tampered = 'yes';
      return signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields);
    }
    case 'truncated':
      return signBody(body).slice(0, -2);
  }
}

// ---------------------------------------------------------------------------
// Signed requests

interface SignedMessage {
  body: string;
  from: string;
  to: string;
  messagingServiceSid: string | undefined;
  optOutType: string | undefined;
  numMedia: number;
  extras: Array<[string, string]>;
  repeats: Array<[string, string]>;
  encoding: FormEncoding;
  delivery: 'once' | 'twice' | 'concurrently' | 'concurrently from another sender';
}

const signedMessage: fc.Arbitrary<SignedMessage> = fc.record({
  body: messageBody,
  from: respondent,
  to: fc.constantFrom(PARLEY_NUMBER, '+15555550199'),
  messagingServiceSid: rarely(fc.constantFrom(`MG${'a'.repeat(32)}`, `MG${'0'.repeat(32)}`, ''), 4),
  optOutType: rarely(fc.oneof(fc.constantFrom('STOP', 'START', 'HELP', 'stop'), text(10)), 10),
  numMedia: fc.integer({ min: 0, max: 10 }),
  extras: extraFields,
  repeats: repeatedValues,
  encoding: formEncoding,
  delivery: fc.constantFrom('once', 'twice', 'concurrently', 'concurrently from another sender'),
});

/** Generates a value one time in `oneIn`, and undefined otherwise. */
function rarely<T>(value: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
}

function buildSignedFields(message: SignedMessage, messageSid: string): WebhookFields {
  const fields = plainFields(
    inboundFields(message.body, { MessageSid: messageSid, From: message.from, To: message.to, NumMedia: String(message.numMedia) }),
  );
  if (message.messagingServiceSid !== undefined) fields.MessagingServiceSid = message.messagingServiceSid;
  if (message.optOutType !== undefined) fields.OptOutType = message.optOutType;
  return addFields(fields, message.extras, message.repeats);
}

type Mutation =
  | { kind: 'keep' }
  | { kind: 'delete' }
  | { kind: 'empty' }
  | { kind: 'replace'; value: string }
  | { kind: 'first value'; value: string }
  | { kind: 'second value'; value: string };

const fieldMutation = (replacement: fc.Arbitrary<string>): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant({ kind: 'keep' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
    { weight: 2, arbitrary: replacement.map((value) => ({ kind: 'replace' as const, value })) },
    { weight: 1, arbitrary: replacement.map((value) => ({ kind: 'first value' as const, value })) },
    { weight: 1, arbitrary: replacement.map((value) => ({ kind: 'second value' as const, value })) },
  );

/** Changes to a fresh SID, some of which keep it a valid SID and so keep it unique. */
const SID_CHANGES: Record<string, (sid: string) => string> = {
  'lower-case prefix': (sid) => sid.slice(0, 2).toLowerCase() + sid.slice(2),
  'upper-case hex': (sid) => sid.toUpperCase(),
  'one digit short': (sid) => sid.slice(0, -1),
  'one digit long': (sid) => `${sid}0`,
  'trailing newline': (sid) => `${sid}\n`,
  'leading space': (sid) => ` ${sid}`,
  'non-hex digit': (sid) => `${sid.slice(0, -1)}g`,
  'full-width digits': (sid) => sid.replace(/[0-9]/g, (digit) => String.fromCharCode(0xff10 + Number(digit))),
  'three-letter prefix': (sid) => `X${sid.slice(0, -1)}`,
  'U+FFFF suffix': (sid) => `${sid.slice(0, -1)}\uFFFF`,
};

const sidReplacement = fc.oneof(
  fc.constantFrom(...Object.keys(SID_CHANGES)).map((change) => `change:${change}`),
  text(40),
);

const absurdNumMedia = fc.oneof(
  fc.integer({ min: 11 }).map(String),
  fc.integer({ min: -1_000_000, max: -1 }).map(String),
  fc.constantFrom('1.0', '1e1', '0x1', ' 1', '1 ', '٣', '１', 'NaN', 'Infinity', '+1', '00', '010', '10', '0', '9'.repeat(400), '\u0000'),
  fc.double().map(String),
  text(10),
);

interface MutatedMessage {
  body: string;
  from: string;
  changes: Record<(typeof REQUIRED_FIELDS)[number] | 'NumMedia', Mutation>;
  encoding: FormEncoding;
}

const mutatedMessage: fc.Arbitrary<MutatedMessage> = fc.record({
  body: messageBody,
  from: respondent,
  changes: fc.record({
    MessageSid: fieldMutation(sidReplacement),
    AccountSid: fieldMutation(sidReplacement),
    From: fieldMutation(text(20)),
    To: fieldMutation(text(20)),
    NumMedia: fieldMutation(absurdNumMedia),
  }),
  encoding: formEncoding,
});

function applyMutation(fields: WebhookFields, name: string, change: Mutation): void {
  const original = firstOf(fields, name) ?? '';
  const resolve = (value: string) => (value.startsWith('change:') ? SID_CHANGES[value.slice('change:'.length)]!(original) : value);
  switch (change.kind) {
    case 'keep':
      return;
    case 'delete':
      delete fields[name];
      return;
    case 'empty':
      fields[name] = '';
      return;
    case 'replace':
      fields[name] = resolve(change.value);
      return;
    case 'first value':
      fields[name] = [resolve(change.value), original];
      return;
    case 'second value':
      fields[name] = [original, resolve(change.value)];
      return;
  }
}

/** Builds message fields whose Body fills the encoded form to exactly `targetBytes`. */
function fieldsOfSize(targetBytes: number, chunk: string, from: string): { form: string; fields: WebhookFields } {
  const fields = inboundFields('', { MessageSid: freshMessageSid(), From: from });
  const emptyBytes = Buffer.byteLength(encodeForm(fields));
  const chunkBytes = Buffer.byteLength(encodeForm({ x: chunk })) - 'x='.length;
  const repeats = Math.floor((targetBytes - emptyBytes) / chunkBytes);
  fields.Body = chunk.repeat(repeats) + 'a'.repeat(targetBytes - emptyBytes - repeats * chunkBytes);
  return { form: encodeForm(fields), fields };
}

// ---------------------------------------------------------------------------

describe('POST /twilio/messages with generated requests', () => {
  it('rejects unsigned requests without storing', async () => {
    await fc.assert(
      fc.asyncProperty(unsignedBodySpec, contentTypeHeader, forgery, fc.nat(), async (spec, contentType, forged, pick) => {
        const body = buildUnsignedBody(spec);
        const headers: Record<string, string> = {};
        if (contentType !== undefined) headers['Content-Type'] = contentType;
        const signature = forgeSignature(forged, body, pick);
        if (signature !== undefined) headers['X-Twilio-Signature'] = signature;

        const before = await countStored();
        const response = await send(body, headers);

        // The statuses this request may get, one per fault. The README does not say which wins when several apply.
        const deserved = new Set([403]);
        if (!isFormContentType(response.requestContentType)) deserved.add(415);
        if (response.requestBytes > MAX_WEBHOOK_BODY_BYTES) deserved.add(413);
        if (!isUtf8(toBytes(body))) deserved.add(400);
        expect([...deserved]).toContain(response.status);
        expect(await countStored()).toBe(before);
      }),
      { numRuns: 4_500 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers signed Unicode messages', async () => {
    await fc.assert(
      fc.asyncProperty(signedMessage, async (message) => {
        const messageSid = freshMessageSid();
        const form = encodeWith(message.encoding, buildSignedFields(message, messageSid));
        const wire = fieldsOnTheWire(form);
        expect(invalidFieldsOf(wire)).toEqual([]);

        const before = await countStored();
        const first = send(form, formHeaders(signBody(form)));
        let again: Promise<Sent> | undefined;
        if (message.delivery === 'concurrently') {
          again = send(form, formHeaders(signBody(form)));
        } else if (message.delivery === 'concurrently from another sender') {
          const other = encodeWith(message.encoding, buildSignedFields({ ...message, from: `${message.from}9` }, messageSid));
          again = send(other, formHeaders(signBody(other)));
        }
        const response = await first;
        if (message.delivery === 'twice') again = send(form, formHeaders(signBody(form)));

        expect(response.status).toBe(200);
        const optOutType = firstOf(wire, 'OptOutType');
        if (optOutType !== undefined && optOutType !== '') expect(countMessageElements(response.body)).toBe(0);
        if (again !== undefined) {
          const redelivered = await again;
          expect(redelivered.status).toBe(200);
          expect(redelivered.body).toBe(response.body);
        }
        expect(await countStored(messageSid)).toBe(1);
        expect(await countStored()).toBe(before + 1);
        expect(await storedBody(messageSid)).toBe(firstOf(wire, 'Body'));
      }),
      { numRuns: 2_500 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('rejects signed invalid fields with 400', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedMessage, async ({ body, from, changes, encoding }) => {
        const fields = plainFields(inboundFields(body, { MessageSid: freshMessageSid(), From: from }));
        for (const [name, change] of Object.entries(changes)) applyMutation(fields, name, change);
        const form = encodeWith(encoding, fields);
        const wire = fieldsOnTheWire(form);
        const invalid = invalidFieldsOf(wire);

        const before = await countStored();
        const response = await send(form, formHeaders(signBody(form)));

        if (invalid.length === 0) {
          expect(response.status).toBe(200);
          expect(await countStored(firstOf(wire, 'MessageSid'))).toBe(1);
          expect(await countStored()).toBe(before + 1);
        } else {
          expect(response.status).toBe(400);
          for (const name of invalid) expect(response.body).toContain(name);
          expect(await countStored()).toBe(before);
        }
      }),
      { numRuns: 3_000 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('enforces the 64 KiB body limit', async () => {
    const targetBytes = fc.oneof(
      fc.constantFrom(MAX_WEBHOOK_BODY_BYTES - 1, MAX_WEBHOOK_BODY_BYTES, MAX_WEBHOOK_BODY_BYTES + 1),
      fc.integer({ min: MAX_WEBHOOK_BODY_BYTES - 2_048, max: MAX_WEBHOOK_BODY_BYTES + 2_048 }),
      fc.integer({ min: MAX_WEBHOOK_BODY_BYTES + 1, max: 4 * MAX_WEBHOOK_BODY_BYTES }),
    );
    // A chunk of several units, so the Body is varied text rather than one character repeated.
    const chunk = text(12, 4).map((value) => Buffer.from(value, 'utf8').toString('utf8'));

    await fc.assert(
      fc.asyncProperty(targetBytes, chunk, fc.nat(), async (target, repeated, sender) => {
        const { form, fields } = fieldsOfSize(target, repeated, `+1555${String(sender).padStart(7, '0')}`);
        expect(Buffer.byteLength(form)).toBe(target);

        const before = await countStored();
        const response = await send(form, formHeaders(signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields)));

        if (target > MAX_WEBHOOK_BODY_BYTES) {
          expect(response.status).toBe(413);
          expect(await countStored()).toBe(before);
        } else {
          expect(response.status).toBe(200);
          expect(await countStored(fields.MessageSid as string)).toBe(1);
          expect(await storedBody(fields.MessageSid as string)).toBe(fields.Body);
        }
      }),
      { numRuns: 64 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('responds with XML 1.0 characters only', () => {
    expect(nonXmlResponses).toEqual([]);
  });

  // Runs after the properties above and counts the requests they sent.
  it(`sent at least ${MIN_GENERATED_REQUESTS.toLocaleString('en-US')} requests`, () => {
    expect(generatedRequests).toBeGreaterThanOrEqual(MIN_GENERATED_REQUESTS);
  });
});

describe('POST /twilio/messages reproductions', () => {
  it.each([
    ['MessageSid', `SM${'0'.repeat(31)}\uFFFF`],
    ['AccountSid', `AC${'0'.repeat(31)}\uFFFE`],
    ['NumMedia', '\uFFFF'],
  ])('keeps 400 body XML with noncharacter in %s', async (name, value) => {
    const response = await harness.postSigned(inboundFields('hi', { [name]: value }));

    expect(response.status).toBe(400);
    expect(response.body).not.toMatch(NOT_XML_CHARACTER);
  });

  it('handles 64 KiB of spaces within a second', async () => {
    // Spaces encode as "+", so the Body holds about 65,000 spaces between two letters: a long
    // inner run of the characters that keyword matching trims from the ends of a message.
    const fields = inboundFields('', { From: '+15555550177' });
    const spaceBytes = MAX_WEBHOOK_BODY_BYTES - Buffer.byteLength(encodeForm(fields)) - 2;
    fields.Body = `a${' '.repeat(spaceBytes)}a`;

    const started = performance.now();
    const response = await harness.postSigned(fields);
    const elapsedMs = performance.now() - started;

    expect(response.status).toBe(200);
    expect(elapsedMs).toBeLessThan(1_000);
  }, 30_000);

  it('normalizes long punctuation runs within a second', () => {
    const started = performance.now();
    const normalized = normalizeForMatching(`a${'!'.repeat(60_000)}a`);
    const elapsedMs = performance.now() - started;

    expect(normalized).toBe(`a${'!'.repeat(60_000)}a`);
    expect(elapsedMs).toBeLessThan(1_000);
  }, 30_000);
});
