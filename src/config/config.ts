import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { type Sender, parseSender } from './sender.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  /**
   * Base URL that Twilio calls, without a trailing slash; webhook signatures are
   * computed over it. Undefined means http://localhost and the port the server bound.
   */
  publicUrl: string | undefined;
  /** SQLite file path, or `:memory:`. */
  databaseUrl: string;
  /** SQLite `synchronous` pragma: FULL survives power loss, NORMAL only a process crash. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  surveysDir: string;
  /** Interface to listen on. */
  host: string;
  /** Folder for files Parley writes itself, such as the sandbox credentials. */
  dataDir: string;
  logLevel: LogLevel;
  /** Both set in production; both undefined in sandbox mode. */
  twilioAccountSid: string | undefined;
  twilioAuthToken: string | undefined;
  /** Name used in the HELP and STOP replies. */
  programName: string;
  /** Replaces the whole default HELP reply when set. */
  helpText: string | undefined;
  /**
   * Base URL of Twilio's REST API, such as a local fake's; undefined means Twilio
   * itself, or in sandbox mode the fake that the server starts.
   */
  twilioApiUrl: string | undefined;
  /** Sender of new distributions; undefined outside sandbox mode when neither TWILIO_FROM nor TWILIO_MESSAGING_SERVICE_SID is set. */
  sender: Sender | undefined;
  /** How long one request to Twilio's REST API may take, in milliseconds. */
  twilioRequestTimeoutMs: number;
  /**
   * Maximum time, in milliseconds, for a client to send one whole request, headers and body,
   * to Parley's HTTP server. After it the server responds with 408 and closes the connection.
   */
  requestTimeoutMs: number;
  /** Local time of day, in each contact's time zone, when invites and reminders may be sent; undefined sends at any hour. */
  sendWindow: SendWindow | undefined;
  /** IANA time zone for contacts whose zone is neither given nor known from their number. */
  defaultTimezone: string;
  /** Estimated price of one outbound SMS segment, for `parley status`. */
  pricePerSegment: number;
  priceCurrency: string;
}

/** A daily window of local time, in minutes after midnight; `end` before `start` wraps past midnight. */
export interface SendWindow {
  startMinute: number;
  endMinute: number;
}

/** The number the sandbox sends from; `parley chat` texts it by default. */
export const SANDBOX_SENDER = '+15555550100';

type Env = Record<string, string | undefined>;

/**
 * Parses Parley's environment variables once, at start-up.
 *
 * @throws ConfigError listing every invalid variable together, so an operator
 * fixes them in one pass instead of one restart per mistake.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const port = parsePort(read('PORT'), problems);
  const publicUrl = parsePublicUrl(read('PUBLIC_URL'), problems);
  const logLevel = parseLogLevel(read('LOG_LEVEL'), problems);

  const twilioAccountSid = read('TWILIO_ACCOUNT_SID');
  if (twilioAccountSid !== undefined && !/^AC[0-9a-f]{32}$/i.test(twilioAccountSid)) {
    problems.push(
      `TWILIO_ACCOUNT_SID ${JSON.stringify(twilioAccountSid)} is invalid: expected "AC" followed by 32 hexadecimal characters, as shown in the Twilio Console.`,
    );
  }
  const twilioAuthToken = read('TWILIO_AUTH_TOKEN');
  if (twilioAuthToken !== undefined && !/^[0-9A-Za-z]{32}$/.test(twilioAuthToken)) {
    problems.push(
      `TWILIO_AUTH_TOKEN is invalid: expected the 32-character Auth Token from the Twilio Console, got ${twilioAuthToken.length} characters.`,
    );
  }
  if (twilioAuthToken !== undefined && twilioAccountSid === undefined) {
    problems.push('TWILIO_ACCOUNT_SID is missing: set it together with TWILIO_AUTH_TOKEN, or unset both for sandbox mode.');
  }
  if (twilioAuthToken === undefined && twilioAccountSid !== undefined) {
    problems.push('TWILIO_AUTH_TOKEN is missing: set it together with TWILIO_ACCOUNT_SID, or unset both for sandbox mode.');
  }
  if (twilioAuthToken !== undefined && read('PUBLIC_URL') === undefined) {
    problems.push(
      'PUBLIC_URL is missing: with TWILIO_AUTH_TOKEN set, Parley verifies signatures against the URL Twilio calls, so set PUBLIC_URL to it (for example https://surveys.example.org).',
    );
  }

  const databaseUrl = read('DATABASE_URL') ?? './data/parley.db';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(databaseUrl)) {
    problems.push(
      `DATABASE_URL ${JSON.stringify(databaseUrl)} is not supported: use a SQLite file path (for example ./data/parley.db) or :memory:.`,
    );
  }

  const sqliteSynchronous = (read('SQLITE_SYNCHRONOUS') ?? 'FULL').toUpperCase();
  if (sqliteSynchronous !== 'FULL' && sqliteSynchronous !== 'NORMAL') {
    problems.push(
      `SQLITE_SYNCHRONOUS ${JSON.stringify(read('SQLITE_SYNCHRONOUS'))} is invalid: expected FULL (answers survive a power loss) or NORMAL (they survive a process crash).`,
    );
  }

  const sandbox = twilioAccountSid === undefined && twilioAuthToken === undefined;
  const sender = parseSender(
    read('TWILIO_FROM') ?? (sandbox && read('TWILIO_MESSAGING_SERVICE_SID') === undefined ? SANDBOX_SENDER : undefined),
    read('TWILIO_MESSAGING_SERVICE_SID'),
    read('TWILIO_SEGMENTS_PER_SECOND'),
    problems,
  );
  const twilioApiUrl = parseApiUrl(read('TWILIO_API_URL'), problems);
  const twilioRequestTimeoutMs = parseWholeNumber('TWILIO_REQUEST_TIMEOUT_MS', read('TWILIO_REQUEST_TIMEOUT_MS'), 15_000, 100, 300_000, problems);
  const requestTimeoutMs = parseWholeNumber('REQUEST_TIMEOUT_MS', read('REQUEST_TIMEOUT_MS'), 15_000, 1_000, 300_000, problems);
  const sendWindow = parseSendWindow(read('SEND_WINDOW'), problems);
  const defaultTimezone = parseTimezone(read('DEFAULT_TIMEZONE'), problems);
  const pricePerSegment = parsePrice(read('PRICE_PER_SEGMENT'), problems);

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }

  return {
    port,
    publicUrl,
    host: read('HOST') ?? '0.0.0.0',
    databaseUrl,
    sqliteSynchronous: sqliteSynchronous as Config['sqliteSynchronous'],
    surveysDir: path.resolve(read('SURVEYS_DIR') ?? './surveys'),
    dataDir: path.resolve(read('DATA_DIR') ?? './data'),
    logLevel,
    twilioAccountSid,
    twilioAuthToken,
    programName: read('PROGRAM_NAME') ?? 'Parley surveys',
    helpText: read('HELP_TEXT'),
    twilioApiUrl,
    sender,
    twilioRequestTimeoutMs,
    requestTimeoutMs,
    sendWindow,
    defaultTimezone,
    pricePerSegment,
    priceCurrency: read('PRICE_CURRENCY') ?? 'USD',
  };
}

function parseApiUrl(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    problems.push(`TWILIO_API_URL ${JSON.stringify(value)} is invalid: expected an http or https base URL such as http://127.0.0.1:4010, or unset it to use Twilio.`);
  }
  return value.replace(/\/+$/, '');
}

function parseWholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    problems.push(`${name} ${JSON.stringify(value)} is invalid: expected a whole number from ${min} to ${max}.`);
    return fallback;
  }
  return number;
}

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

function parseSendWindow(value: string | undefined, problems: string[]): SendWindow | undefined {
  if (value === undefined) return { startMinute: 9 * 60, endMinute: 20 * 60 };
  if (value.toLowerCase() === 'always') return undefined;
  const match = WINDOW.exec(value.replace(/\s+/g, ''));
  const startMinute = match === null ? NaN : Number(match[1]) * 60 + Number(match[2]);
  const endMinute = match === null ? NaN : Number(match[3]) * 60 + Number(match[4]);
  if (match !== null && startMinute === endMinute) {
    problems.push(`SEND_WINDOW ${JSON.stringify(value)} is invalid: its start and end are the same time. Give a window such as 09:00-20:00, or "always" to send at any hour.`);
    return undefined;
  }
  if (match === null || endMinute > 24 * 60) {
    problems.push(
      `SEND_WINDOW ${JSON.stringify(value)} is invalid: expected the local hours when sending is allowed, as HH:MM-HH:MM (for example 09:00-20:00), or "always".`,
    );
    return undefined;
  }
  return { startMinute, endMinute };
}

/** Returns whether Intl accepts `zone` as an IANA time zone. */
export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseTimezone(value: string | undefined, problems: string[]): string {
  const fallback = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (value === undefined) return fallback;
  if (!isTimezone(value)) {
    problems.push(`DEFAULT_TIMEZONE ${JSON.stringify(value)} is not a time zone: use an IANA name such as America/New_York or Europe/Berlin.`);
    return fallback;
  }
  return value;
}

function parsePrice(value: string | undefined, problems: string[]): number {
  // Twilio's list price for one outbound SMS segment in the US, before carrier fees.
  if (value === undefined) return 0.0083;
  const price = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value)) {
    problems.push(`PRICE_PER_SEGMENT ${JSON.stringify(value)} is invalid: expected a price such as 0.0083, in PRICE_CURRENCY (USD unless set).`);
    return 0;
  }
  return price;
}

function parsePort(value: string | undefined, problems: string[]): number {
  if (value === undefined) return 3000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    problems.push(`PORT ${JSON.stringify(value)} is invalid: expected a whole number from 0 to 65535.`);
    return 3000;
  }
  return port;
}

function parsePublicUrl(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`PUBLIC_URL ${JSON.stringify(value)} is not a URL: expected something like https://surveys.example.org.`);
    return value;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`PUBLIC_URL ${JSON.stringify(value)} must start with https:// (or http:// for local testing).`);
  }
  if (url.search !== '' || url.hash !== '') {
    problems.push(`PUBLIC_URL ${JSON.stringify(value)} must not contain a query or fragment: give only the base URL.`);
  }
  // The signed URL is this base plus the request path, so a trailing slash would double up.
  return value.replace(/\/+$/, '');
}

function parseLogLevel(value: string | undefined, problems: string[]): LogLevel {
  if (value === undefined) return 'info';
  const level = value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problems.push(`LOG_LEVEL ${JSON.stringify(value)} is invalid: expected one of ${LOG_LEVELS.join(', ')}.`);
    return 'info';
  }
  return level as LogLevel;
}
