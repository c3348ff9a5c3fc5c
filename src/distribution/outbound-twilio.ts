import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { TwilioCredentials } from '../config/twilio-credentials.ts';
import type { Clock } from '../engine/inbound-message.ts';
import { SurveyVersions } from '../engine/survey-versions.ts';
import { ParleyError } from '../errors.ts';
import type { Database } from '../storage/tables.ts';
import type { SurveyCatalog } from '../surveys/survey-catalog.ts';
import { MessageApi } from '../twilio/message-api.ts';
import { createTwilioClient } from '../twilio/rest-client.ts';
import { Dispatcher } from './dispatcher.ts';
import { type FakeTwilio, startFakeTwilio } from '../twilio-fake/index.ts';

export interface OutboundTwilio {
  api: MessageApi;
  /** Base URL of Twilio's REST API as used, for logs. */
  apiUrl: string;
  /** The local fake that sandbox mode runs, when it runs one. */
  fake: FakeTwilio | undefined;
  close(): Promise<void>;
}

/**
 * Asks a running sandbox server for its fake Twilio's URL.
 *
 * @throws ParleyError when no sandbox server answers at `serverUrl`.
 */
export async function fetchSandboxApiUrl(serverUrl: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${serverUrl}/sandbox/twilio-api`, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new ParleyError(
      'SANDBOX_API_MISSING',
      `No sandbox server answered at ${serverUrl} (${(error as Error).message}). Start it first with \`npm start\`, with the same PORT, or set TWILIO_API_URL.`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as { url?: unknown };
  if (!response.ok || typeof body.url !== 'string') {
    throw new ParleyError('SANDBOX_API_MISSING', `The server at ${serverUrl} runs no sandbox Twilio (HTTP ${response.status}). It has Twilio credentials, so give this process the same ones.`);
  }
  return body.url;
}

/**
 * Connects to the Twilio REST API that distributions send through: TWILIO_API_URL
 * when set, else Twilio itself. In sandbox mode, with no Twilio account configured,
 * it starts a fake Twilio on 127.0.0.1, so that sending works on a fresh clone and
 * nothing leaves the machine.
 */
export async function connectOutboundTwilio(
  config: Config,
  credentials: TwilioCredentials,
  logger: Logger,
  { sandboxServerUrl }: { sandboxServerUrl?: string } = {},
): Promise<OutboundTwilio> {
  const { accountSid, authToken } = credentials;
  const timeoutMs = config.twilioRequestTimeoutMs;
  const connect = (apiUrl: string | undefined, fake?: FakeTwilio): OutboundTwilio => ({
    api: new MessageApi(createTwilioClient({ accountSid, authToken, apiUrl, timeoutMs })),
    apiUrl: apiUrl ?? 'https://api.twilio.com',
    fake,
    close: async () => {
      await fake?.close();
    },
  });

  if (!credentials.sandbox || config.twilioApiUrl !== undefined) return connect(config.twilioApiUrl);
  // Another process in sandbox mode sends through the server's fake, where chat looks.
  if (sandboxServerUrl !== undefined) return followSandboxServer(connect(await fetchSandboxApiUrl(sandboxServerUrl)), sandboxServerUrl, credentials, timeoutMs, logger);

  const fake = await startFakeTwilio({
    accountSid,
    authToken,
    segmentsPerSecond: config.sender?.segmentsPerSecond ?? 1,
    // A short pause between `sent` and `delivered` lets `parley status` show both.
    deliveryDelayMs: 1000,
    logger: logger.child({ component: 'fake-twilio' }),
  });
  logger.warn({ url: fake.url }, 'SANDBOX MODE: invitations go to a fake Twilio on this machine; nothing is sent to real phones.');
  return connect(fake.url, fake);
}

/** How often a sandbox worker asks the server whether its fake Twilio moved. */
const SANDBOX_RECHECK_MS = 5000;

/**
 * Keeps a sandbox worker on the server's current fake Twilio. A restarted server starts
 * its fake on a new port, and without this the worker would retry the old one until
 * every invitation failed.
 */
function followSandboxServer(outbound: OutboundTwilio, serverUrl: string, credentials: TwilioCredentials, timeoutMs: number, logger: Logger): OutboundTwilio {
  let current = outbound.apiUrl;
  const timer = setInterval(() => {
    fetchSandboxApiUrl(serverUrl).then(
      (url) => {
        if (url === current) return;
        logger.info({ from: current, to: url }, "the sandbox server's fake Twilio moved; sending there now");
        current = url;
        outbound.api.replaceClient(createTwilioClient({ accountSid: credentials.accountSid, authToken: credentials.authToken, apiUrl: url, timeoutMs }));
      },
      (error: unknown) => logger.warn({ err: error }, 'the sandbox server did not answer; invitations wait until it is back'),
    );
  }, SANDBOX_RECHECK_MS);
  timer.unref();
  return {
    ...outbound,
    close: async () => {
      clearInterval(timer);
      await outbound.close();
    },
  };
}

export interface DispatcherDeps {
  db: Kysely<Database>;
  outbound: OutboundTwilio;
  catalog: SurveyCatalog;
  /** Base URL that Twilio calls back, without a trailing slash. */
  publicUrl: string;
  logger: Logger;
  clock: Clock;
}

/** Creates the dispatcher with the settings of `config` and starts it; the server and the worker both send this way. */
export function startDispatcher(config: Config, { db, outbound, catalog, publicUrl, logger, clock }: DispatcherDeps): Dispatcher {
  const dispatcher = new Dispatcher({
    db,
    api: outbound.api,
    versions: new SurveyVersions(catalog, logger),
    statusCallbackUrl: `${publicUrl}/twilio/status`,
    sendWindow: config.sendWindow,
    defaultTimezone: config.defaultTimezone,
    requestTimeoutMs: config.twilioRequestTimeoutMs,
    logger: logger.child({ component: 'dispatcher' }),
    clock,
  });
  dispatcher.start();
  return dispatcher;
}
