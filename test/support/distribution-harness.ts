import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { XMLValidator } from 'fast-xml-parser';
import { messagesOf } from '../../src/cli/twilio-phone.ts';
import type { SendWindow } from '../../src/config/config.ts';
import type { Sender } from '../../src/config/sender.ts';
import { createDistribution, type DistributionRequest } from '../../src/distribution/create-distribution.ts';
import { Dispatcher, type DispatcherOptions } from '../../src/distribution/dispatcher.ts';
import { ConversationEngine } from '../../src/engine/conversation-engine.ts';
import { createEngineTexts } from '../../src/engine/engine-texts.ts';
import { SurveyVersions } from '../../src/engine/survey-versions.ts';
import { createApp } from '../../src/http/app.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import type { OutboundMessage } from '../../src/storage/tables.ts';
import { SurveyCatalog } from '../../src/surveys/survey-catalog.ts';
import { MessageApi } from '../../src/twilio/message-api.ts';
import { createTwilioClient } from '../../src/twilio/rest-client.ts';
import type { WebhookFields } from '../../src/twilio/webhook-form.ts';
import { signTwilioRequest } from '../../src/twilio/webhook-signature.ts';
import { type FakeTwilioOptions, startFakeTwilio } from '../../src/twilio-fake/index.ts';
import { ACCOUNT_SID, AUTH_TOKEN, copyExampleSurveys, encodeForm, inboundFields, writeSurvey } from './harness.ts';
import { TestClock } from './test-clock.ts';

/** Twilio's valid test sender, which the fake treats as any other number. */
export const SENDER: Sender = { value: '+15005550006', kind: 'long_code', segmentsPerSecond: 1000 };

export interface DistributionHarnessOptions {
  surveys?: Record<string, unknown>;
  sendWindow?: SendWindow;
  defaultTimezone?: string;
  clockStart?: string;
  fake?: Partial<FakeTwilioOptions>;
}

/**
 * Parley's parts for distributions, wired as the server wires them: the engine and the
 * HTTP app on a real port (so the fake Twilio's status callbacks arrive signed), the
 * dispatcher on a test clock, and the fake Twilio reached through the real `twilio` client.
 */
export async function createDistributionHarness(options: DistributionHarnessOptions = {}) {
  const surveysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-distribution-'));
  if (options.surveys === undefined) copyExampleSurveys(surveysDir);
  else for (const [file, survey] of Object.entries(options.surveys)) writeSurvey(surveysDir, file, survey);

  const logger = pino({ level: 'silent' });
  const clock = new TestClock(options.clockStart);
  const db = openDatabase(':memory:');
  await migrateToLatest(db);
  const catalog = new SurveyCatalog({ dir: surveysDir, logger });
  await catalog.load();
  const engine = new ConversationEngine({ db, catalog, texts: createEngineTexts({ programName: 'Acme Surveys' }), logger, clock });

  let fetch: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: (request) => fetch(request), port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = createApp({ engine, authToken: AUTH_TOKEN, publicUrl, logger, db, clock });
  fetch = app.fetch;

  const fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, segmentsPerSecond: 10_000, ...options.fake });
  /** A dispatcher wired like the server's; tests call `runOnce` on it, or `start` to run it as the server does. */
  const createDispatcher = (overrides: Partial<DispatcherOptions> = {}): Dispatcher =>
    new Dispatcher({
      db,
      api: new MessageApi(createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: fake.url, timeoutMs: 2000 })),
      versions: new SurveyVersions(catalog, logger),
      statusCallbackUrl: `${publicUrl}/twilio/status`,
      sendWindow: options.sendWindow,
      defaultTimezone: options.defaultTimezone ?? 'UTC',
      requestTimeoutMs: 2000,
      logger,
      clock,
      ...overrides,
    });
  const dispatcher = createDispatcher();

  /** Adds contacts to a list, creating both as needed. */
  async function addContacts(listName: string, contacts: Array<{ phone: string; timezone?: string }>): Promise<void> {
    const now = clock.now().toISOString();
    await db.insertInto('contact_lists').values({ name: listName, created_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const list = await db.selectFrom('contact_lists').select('id').where('name', '=', listName).executeTakeFirstOrThrow();
    for (const contact of contacts) {
      const { id } = await db
        .insertInto('contacts')
        .values({ phone: contact.phone, first_name: null, last_name: null, language: null, timezone: contact.timezone ?? null, fields: '{}', created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('phone').doUpdateSet({ timezone: contact.timezone ?? null }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('contact_list_members').values({ list_id: list.id, contact_id: id, added_at: now }).onConflict((oc) => oc.doNothing()).execute();
    }
  }

  /** Creates a distribution from the sender above, sending now unless the request sets `sendAt`. */
  async function send(request: Partial<DistributionRequest> & { surveyId: string; listName: string }): Promise<number> {
    const survey = catalog.get(request.surveyId);
    if (survey === undefined) throw new Error(`no survey ${request.surveyId}`);
    const { id } = await createDistribution(db, { mode: 'interactive', sender: SENDER, ...request, survey }, clock.now());
    return id;
  }

  /** Runs dispatcher passes until nothing due is left. */
  async function drain(): Promise<void> {
    while ((await dispatcher.runOnce()) > 0) {
      // Each pass sends one batch; the loop ends when a pass finds nothing due.
    }
  }

  async function outbox(): Promise<OutboundMessage[]> {
    return db.selectFrom('outbound_messages').selectAll().orderBy('id').execute();
  }

  /** Texts Parley from `from` to the sender's number, signed as Twilio signs, and returns the reply texts. */
  async function text(from: string, body: string, overrides: WebhookFields = {}): Promise<string[]> {
    const fields = inboundFields(body, { From: from, To: SENDER.value, ...overrides });
    const response = await app.request('/twilio/messages', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, `${publicUrl}/twilio/messages`, fields),
      },
      body: encodeForm(fields),
    });
    const xml = await response.text();
    if (response.status !== 200 || XMLValidator.validate(xml) !== true) throw new Error(`webhook answered ${response.status}: ${xml}`);
    return messagesOf(xml);
  }

  return {
    db,
    clock,
    catalog,
    fake,
    dispatcher,
    createDispatcher,
    publicUrl,
    addContacts,
    send,
    drain,
    outbox,
    text,
    async close(): Promise<void> {
      await dispatcher.stop();
      await fake.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      catalog.close();
      await db.destroy();
      fs.rmSync(surveysDir, { recursive: true, force: true });
    },
  };
}

export type DistributionHarness = Awaited<ReturnType<typeof createDistributionHarness>>;
