import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import pino from 'pino';
import { messagesOf } from '../../src/cli/twilio-phone.ts';
import { ConversationEngine } from '../../src/engine/conversation-engine.ts';
import { createEngineTexts } from '../../src/engine/engine-texts.ts';
import { createApp } from '../../src/http/app.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { SurveyCatalog } from '../../src/surveys/survey-catalog.ts';
import type { WebhookFields } from '../../src/twilio/webhook-form.ts';
import { signTwilioRequest } from '../../src/twilio/webhook-signature.ts';
import { TestClock } from './test-clock.ts';

export { readFixture } from './fixtures.ts';

export const AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const PUBLIC_URL = 'https://surveys.example.org';
export const WEBHOOK_URL = `${PUBLIC_URL}/twilio/messages`;
export const RESPONDENT = '+15555550123';
export const PARLEY_NUMBER = '+15555550100';

export const REPO_SURVEYS_DIR = path.resolve(import.meta.dirname, '../../surveys');
/** The example surveys shipped with Parley; tests use only these, never a user's own files in the folder. */
export const EXAMPLE_SURVEY_FILES = ['customer-nps.json', 'event-feedback.json', 'phq-2.json', 'pharmacy-feedback.json'];

/** Copies the shipped example surveys into `dir`. */
export function copyExampleSurveys(dir: string): void {
  for (const file of EXAMPLE_SURVEY_FILES) {
    fs.copyFileSync(path.join(REPO_SURVEYS_DIR, file), path.join(dir, file));
  }
}
export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** Fields of an inbound SMS as Twilio sends them, with overrides. */
export function inboundFields(body: string, overrides: WebhookFields = {}): WebhookFields {
  const sid = typeof overrides.MessageSid === 'string' ? overrides.MessageSid : newMessageSid();
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: body,
    FromCountry: 'US',
    To: PARLEY_NUMBER,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: ACCOUNT_SID,
    From: RESPONDENT,
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

/** Encodes fields as a form body, repeating a key once per value. */
export function encodeForm(fields: WebhookFields): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  return params.toString();
}

export interface HarnessOptions {
  /** Survey files to write, by file name; defaults to the shipped example surveys. */
  surveys?: Record<string, unknown>;
}

export interface WebhookResponse {
  status: number;
  contentType: string | null;
  body: string;
  /** The texts of the TwiML reply's messages. */
  messages: string[];
}

/**
 * A complete Parley app on an in-memory SQLite database and a temporary surveys
 * folder, driven through `app.request` with real Twilio signatures.
 */
export async function createHarness({ surveys }: HarnessOptions = {}) {
  const surveysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-surveys-'));
  if (surveys === undefined) {
    copyExampleSurveys(surveysDir);
  } else {
    for (const [file, survey] of Object.entries(surveys)) {
      writeSurvey(surveysDir, file, survey);
    }
  }

  const logger = pino({ level: 'silent' });
  const clock = new TestClock();
  const db = openDatabase(':memory:');
  await migrateToLatest(db);
  const catalog = new SurveyCatalog({ dir: surveysDir, logger });
  await catalog.load();
  const engine = new ConversationEngine({
    db,
    catalog,
    texts: createEngineTexts({ programName: 'Acme Surveys' }),
    logger,
    clock,
  });
  const app = createApp({ engine, authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL, logger, db, clock });

  /** Posts a raw body with the given headers. */
  async function post(body: string, headers: Record<string, string>, target = '/twilio/messages'): Promise<WebhookResponse> {
    const response = await app.request(target, { method: 'POST', headers, body });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: text,
      messages: XMLValidator.validate(text) === true ? messagesOf(text) : [],
    };
  }

  /** Posts fields signed the way Twilio signs them. */
  function postSigned(fields: WebhookFields): Promise<WebhookResponse> {
    return post(encodeForm(fields), {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields),
    });
  }

  /** Texts `body` from the respondent and returns the reply texts. */
  async function text(body: string, overrides: WebhookFields = {}): Promise<WebhookResponse> {
    return postSigned(inboundFields(body, overrides));
  }

  return {
    app,
    db,
    engine,
    catalog,
    clock,
    surveysDir,
    post,
    postSigned,
    text,
    async close(): Promise<void> {
      catalog.close();
      await db.destroy();
      fs.rmSync(surveysDir, { recursive: true, force: true });
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export function writeSurvey(dir: string, file: string, survey: unknown): void {
  fs.writeFileSync(path.join(dir, file), typeof survey === 'string' ? survey : JSON.stringify(survey, null, 2));
}

/**
 * Returns the environment of a production-mode server whose files live in `dir`
 * (database `parley.db`, surveys in `surveys/`), with the harness's credentials unless
 * `overrides` replaces them. Twilio's REST API points at a closed local port, so that
 * no request can leave the machine.
 */
export function serverEnv(dir: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: path.join(dir, 'parley.db'),
    SURVEYS_DIR: path.join(dir, 'surveys'),
    DATA_DIR: dir,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_URL,
    TWILIO_API_URL: 'http://127.0.0.1:9',
    ...overrides,
  };
}
