import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { ConfigError } from '../src/errors.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults in sandbox mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBeUndefined();
    expect(config.databaseUrl).toBe('./data/parley.db');
    expect(config.surveysDir).toBe(path.resolve('surveys'));
    expect(config.logLevel).toBe('info');
    expect(config.twilioAuthToken).toBeUndefined();
  });

  it('reads production settings', () => {
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      PUBLIC_URL: 'https://surveys.example.org/',
      PORT: '8080',
      DATABASE_URL: ':memory:',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config.publicUrl).toBe('https://surveys.example.org');
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe(':memory:');
    expect(config.logLevel).toBe('debug');
    expect(config.twilioAccountSid).toBe(SID);
  });

  it('lists every invalid variable together', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', TWILIO_ACCOUNT_SID: 'AB12', PUBLIC_URL: 'ftp://x' });
    expect(problems).toEqual([
      'PORT "eighty" is invalid: expected a whole number from 0 to 65535.',
      'PUBLIC_URL "ftp://x" must start with https:// (or http:// for local testing).',
      'LOG_LEVEL "loud" is invalid: expected one of fatal, error, warn, info, debug, trace, silent.',
      'TWILIO_ACCOUNT_SID "AB12" is invalid: expected "AC" followed by 32 hexadecimal characters, as shown in the Twilio Console.',
      'TWILIO_AUTH_TOKEN is missing: set it together with TWILIO_ACCOUNT_SID, or unset both for sandbox mode.',
    ]);
  });

  it('requires PUBLIC_URL with an auth token', () => {
    expect(problemsOf({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN })).toEqual([
      'PUBLIC_URL is missing: with TWILIO_AUTH_TOKEN set, Parley verifies signatures against the URL Twilio calls, so set PUBLIC_URL to it (for example https://surveys.example.org).',
    ]);
  });

  it('requires the account SID with an auth token', () => {
    expect(problemsOf({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL: 'https://a.example' })).toEqual([
      'TWILIO_ACCOUNT_SID is missing: set it together with TWILIO_AUTH_TOKEN, or unset both for sandbox mode.',
    ]);
  });

  it('rejects a malformed auth token without echoing it', () => {
    expect(problemsOf({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-x', PUBLIC_URL: 'https://a.example' })).toEqual([
      'TWILIO_AUTH_TOKEN is invalid: expected the 32-character Auth Token from the Twilio Console, got 8 characters.',
    ]);
  });

  it('rejects a PUBLIC_URL with a query', () => {
    expect(problemsOf({ PUBLIC_URL: 'https://a.example/?x=1' })).toEqual([
      'PUBLIC_URL "https://a.example/?x=1" must not contain a query or fragment: give only the base URL.',
    ]);
  });

  it('rejects a URL-style DATABASE_URL', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://localhost/test' })).toEqual([
      'DATABASE_URL "postgres://localhost/test" is not supported: use a SQLite file path (for example ./data/parley.db) or :memory:.',
    ]);
  });

  it('rejects an unknown SQLITE_SYNCHRONOUS', () => {
    expect(problemsOf({ SQLITE_SYNCHRONOUS: 'off' })).toEqual([
      'SQLITE_SYNCHRONOUS "off" is invalid: expected FULL (answers survive a power loss) or NORMAL (they survive a process crash).',
    ]);
  });

  it('reads SQLITE_SYNCHRONOUS in any case', () => {
    expect(loadConfig({ SQLITE_SYNCHRONOUS: 'normal' }).sqliteSynchronous).toBe('NORMAL');
  });

  it('rejects a port above 65535', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT "70000" is invalid: expected a whole number from 0 to 65535.']);
  });

  it('reads REQUEST_TIMEOUT_MS, 15 s by default', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(15_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '2500' }).requestTimeoutMs).toBe(2500);
  });

  it.each(['abc', '500', '300001', '1.5e3'])('rejects REQUEST_TIMEOUT_MS %s', (value) => {
    expect(problemsOf({ REQUEST_TIMEOUT_MS: value })).toEqual([`REQUEST_TIMEOUT_MS "${value}" is invalid: expected a whole number from 1000 to 300000.`]);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: value })).toThrow(`REQUEST_TIMEOUT_MS "${value}" is invalid`);
  });

  it('names the error class', () => {
    expect(() => loadConfig({ PORT: '-1' })).toThrow(/^Invalid configuration:\n {2}- PORT "-1" is invalid/);
  });
});

describe('loadConfig: sending settings', () => {
  const production = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL: 'https://surveys.example.org' };

  it('sends from the sandbox number by default, and from nothing in production until told', () => {
    expect(loadConfig({}).sender).toEqual({ value: '+15555550100', kind: 'long_code', segmentsPerSecond: 1 });
    expect(loadConfig(production).sender).toBeUndefined();
  });

  it.each([
    ['+15555550100', 'long_code', 1],
    ['+18005550100', 'toll_free', 3],
    ['+18445550100', 'toll_free', 3],
    ['+442071838750', 'long_code', 1],
    ['12345', 'short_code', 100],
    ['Acme Co', 'alphanumeric', 1],
  ])('reads TWILIO_FROM %s as a %s sending %i segment(s) per second', (from, kind, rate) => {
    expect(loadConfig({ ...production, TWILIO_FROM: from }).sender).toEqual({ value: from, kind, segmentsPerSecond: rate });
  });

  it('reads a Messaging Service and its configured rate', () => {
    const sid = 'MG0123456789abcdef0123456789abcdef';
    expect(loadConfig({ ...production, TWILIO_MESSAGING_SERVICE_SID: sid, TWILIO_SEGMENTS_PER_SECOND: '12.5' }).sender).toEqual({
      value: sid,
      kind: 'messaging_service',
      segmentsPerSecond: 12.5,
    });
  });

  it('names each invalid sending setting and its fix', () => {
    expect(problemsOf({ ...production, TWILIO_FROM: '555-0100' })).toEqual([expect.stringMatching(/^TWILIO_FROM "555-0100" is invalid: expected a phone number in E\.164 format/)]);
    expect(problemsOf({ ...production, TWILIO_FROM: 'AcmeSurveysInc' })).toEqual([expect.stringContaining('TWILIO_FROM "AcmeSurveysInc" is invalid')]);
    expect(problemsOf({ ...production, TWILIO_MESSAGING_SERVICE_SID: 'MG123' })).toEqual([expect.stringMatching(/^TWILIO_MESSAGING_SERVICE_SID "MG123" is invalid/)]);
    expect(problemsOf({ ...production, TWILIO_FROM: '+15555550100', TWILIO_MESSAGING_SERVICE_SID: 'MG0123456789abcdef0123456789abcdef' })).toEqual([
      expect.stringMatching(/^TWILIO_FROM and TWILIO_MESSAGING_SERVICE_SID are both set: set only one/),
    ]);
    expect(problemsOf({ TWILIO_SEGMENTS_PER_SECOND: '0' })).toEqual([expect.stringMatching(/^TWILIO_SEGMENTS_PER_SECOND "0" is invalid/)]);
    expect(problemsOf({ SEND_WINDOW: '9-20' })).toEqual([expect.stringMatching(/^SEND_WINDOW "9-20" is invalid: expected the local hours when sending is allowed, as HH:MM-HH:MM/)]);
    expect(problemsOf({ SEND_WINDOW: '09:00-09:00' })).toEqual([expect.stringMatching(/^SEND_WINDOW "09:00-09:00" is invalid: its start and end are the same time/)]);
    expect(problemsOf({ DEFAULT_TIMEZONE: 'Mars/Olympus' })).toEqual([expect.stringMatching(/^DEFAULT_TIMEZONE "Mars\/Olympus" is not a time zone/)]);
    expect(problemsOf({ PRICE_PER_SEGMENT: '$0.01' })).toEqual([expect.stringMatching(/^PRICE_PER_SEGMENT "\$0\.01" is invalid/)]);
    expect(problemsOf({ TWILIO_API_URL: 'localhost:4010' })).toEqual([expect.stringMatching(/^TWILIO_API_URL "localhost:4010" is invalid/)]);
    expect(problemsOf({ TWILIO_REQUEST_TIMEOUT_MS: '10s' })).toEqual([expect.stringMatching(/^TWILIO_REQUEST_TIMEOUT_MS "10s" is invalid/)]);
  });

  it('reads the sending hours, including a window past midnight and none at all', () => {
    expect(loadConfig({}).sendWindow).toEqual({ startMinute: 540, endMinute: 1200 });
    expect(loadConfig({ SEND_WINDOW: '22:00-06:30' }).sendWindow).toEqual({ startMinute: 1320, endMinute: 390 });
    expect(loadConfig({ SEND_WINDOW: 'always' }).sendWindow).toBeUndefined();
  });
});
