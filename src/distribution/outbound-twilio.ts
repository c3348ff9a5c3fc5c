import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { TwilioCredentials } from '../config/twilio-credentials.ts';
import { ParleyError } from '../errors.ts';
import { MessageApi } from '../twilio/message-api.ts';
import { createTwilioClient } from '../twilio/rest-client.ts';
import { type FakeTwilio, startFakeTwilio } from '../twilio-fake/index.ts';

export interface OutboundTwilio {
  api: MessageApi;
  /** Base URL of Twilio's REST API as used, for logs and `parley chat`. */
  apiUrl: string;
  /** The local fake that sandbox mode runs, when it runs one. */
  fake: FakeTwilio | undefined;
  close(): Promise<void>;
}

const SANDBOX_API_FILE = 'sandbox-twilio-api.json';

/** Where a sandbox server records the URL of its fake Twilio, for `parley chat` and `parley worker`. */
export function sandboxApiFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, SANDBOX_API_FILE);
}

/** Reads the fake Twilio URL that a running sandbox server recorded, or undefined when there is none. */
export function readSandboxApiUrl(config: Pick<Config, 'dataDir'>): string | undefined {
  try {
    const { url } = JSON.parse(fs.readFileSync(sandboxApiFile(config), 'utf8')) as { url?: unknown };
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connects to the Twilio REST API that distributions send through: TWILIO_API_URL
 * when set, else Twilio itself; in sandbox mode (no Twilio account configured), a
 * fake Twilio on 127.0.0.1 started here, so that sending works on a fresh clone and
 * nothing leaves the machine.
 */
export async function connectOutboundTwilio(
  config: Config,
  credentials: TwilioCredentials,
  logger: Logger,
  { startSandboxFake = true }: { startSandboxFake?: boolean } = {},
): Promise<OutboundTwilio> {
  const { accountSid, authToken } = credentials;
  const timeoutMs = config.twilioRequestTimeoutMs;

  if (!credentials.sandbox || config.twilioApiUrl !== undefined) {
    const client = createTwilioClient({ accountSid, authToken, apiUrl: config.twilioApiUrl, timeoutMs });
    return { api: new MessageApi(client), apiUrl: config.twilioApiUrl ?? 'https://api.twilio.com', fake: undefined, close: async () => {} };
  }

  if (!startSandboxFake) {
    const url = readSandboxApiUrl(config);
    if (url === undefined) {
      throw new ParleyError('SANDBOX_API_MISSING', 'No sandbox Twilio is running: start the server first (npm start), which runs it, or set TWILIO_API_URL.');
    }
    return { api: new MessageApi(createTwilioClient({ accountSid, authToken, apiUrl: url, timeoutMs })), apiUrl: url, fake: undefined, close: async () => {} };
  }

  const fake = await startFakeTwilio({
    accountSid,
    authToken,
    segmentsPerSecond: config.sender?.segmentsPerSecond ?? 1,
    // A short pause between `sent` and `delivered` lets `parley status` show both.
    deliveryDelayMs: 1000,
    logger: logger.child({ component: 'fake-twilio' }),
  });
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(sandboxApiFile(config), `${JSON.stringify({ url: fake.url })}\n`);
  logger.warn({ url: fake.url }, 'SANDBOX MODE: invitations go to a fake Twilio on this machine; nothing is sent to real phones.');

  const client = createTwilioClient({ accountSid, authToken, apiUrl: fake.url, timeoutMs });
  return {
    api: new MessageApi(client),
    apiUrl: fake.url,
    fake,
    close: async () => {
      fs.rmSync(sandboxApiFile(config), { force: true });
      await fake.close();
    },
  };
}
