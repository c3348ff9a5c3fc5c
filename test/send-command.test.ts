import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSendAt } from '../src/cli/send-command.ts';
import { copyExampleSurveys } from './support/harness.ts';
import { runParley } from './support/processes.ts';

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-send-'));
  fs.mkdirSync(path.join(dir, 'surveys'));
  copyExampleSurveys(path.join(dir, 'surveys'));
  env = { DATABASE_URL: path.join(dir, 'parley.db'), SURVEYS_DIR: path.join(dir, 'surveys'), DATA_DIR: dir };
  for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'TWILIO_MESSAGING_SERVICE_SID', 'PUBLIC_URL', 'PRICE_PER_SEGMENT']) env[name] = '';
  fs.writeFileSync(path.join(dir, 'team.csv'), 'phone\n+12015550101\n+12015550102\n+12015550103\n');
  const imported = await runParley(['contacts', 'import', path.join(dir, 'team.csv')], { env });
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('parley send', () => {
  it('queues one invitation per contact and says what it will cost', async () => {
    const result = await runParley(['send', '--survey', 'phq-2', '--list', 'team', '--at', '2030-01-02T09:00-05:00', '--rate', '0.5'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Distribution 1: 3 invitations to list "team" for survey phq-2 (interactive mode).');
    expect(result.stdout).toMatch(/From \+15555550100 at 0\.5 segments per second: 9 segments, about 18 s of sending\./);
    expect(result.stdout).toContain('Estimated cost: 0.0747 USD at 0.0083 per segment, before reminders.');
    expect(result.stdout).toContain('Sending starts at 2030-01-02T14:00:00.000Z.');
    // US numbers without a time zone wait until 09:00 in Honolulu, when it is 14:00 in New York.
    expect(result.stdout).toContain(
      "3 invitations wait for the sending hours (SEND_WINDOW 09:00-20:00 in each contact's time zone, as set for this command; the server uses its own); the first can go at 2030-01-02T19:00:00.000Z.",
    );
    expect(result.stdout).toContain('parley status 1');
  });

  it('warns about a start time in the past and a rate above the sender', async () => {
    const result = await runParley(['send', '--survey', 'phq-2', '--list', 'team', '--at', '2020-01-02T09:00Z', '--rate', '5'], { env: { ...env, SEND_WINDOW: 'always' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Warning: --at 2020-01-02T09:00Z is in the past, so sending starts now.');
    expect(result.stdout).toContain("Warning: --rate 5 is above the sender's 1 segment per second");
    expect(result.stdout).not.toContain('wait for the sending hours');
  });

  it.each([
    [['--survey', 'nope', '--list', 'team'], 'parley: No survey with id "nope" in'],
    [['--survey', 'phq-2', '--list', 'tema'], 'parley: No contact list "tema". The lists are: team.'],
    [['--survey', 'phq-2', '--list', 'team', '--mode', 'web'], 'parley: --mode "web" is invalid: use interactive'],
    [['--survey', 'phq-2', '--list', 'team', '--at', 'tomorrow 9am'], 'parley: --at "tomorrow 9am" is invalid: give a date and time with its offset'],
    [['--survey', 'phq-2', '--list', 'team', '--at', '2030-01-02T09:00'], 'parley: --at "2030-01-02T09:00" is invalid'],
    [['--survey', 'phq-2', '--list', 'team', '--rate', 'fast'], 'parley: --rate "fast" is invalid'],
    [['--survey', 'phq-2', '--list', 'team', '--mode', 'link'], 'parley: Link mode needs the survey address: add --link'],
    [['--survey', 'phq-2', '--list', 'team', '--mode', 'link', '--link', 'https://example.org', '--text', 'Go!'], 'does not contain {{link}}'],
  ])('refuses %j with a message naming the fix', async (args, message) => {
    const result = await runParley(['send', ...args], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('refuses an interactive survey from a sender ID', async () => {
    const result = await runParley(['send', '--survey', 'phq-2', '--list', 'team'], { env: { ...env, TWILIO_FROM: 'Acme' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Interactive mode needs replies, and the sender ID "Acme" cannot receive them.');
  });
});

describe('parley cancel', () => {
  it('skips the pending invitations of a distribution', async () => {
    const sent = await runParley(['send', '--survey', 'phq-2', '--list', 'team', '--at', '2031-01-01T00:00Z'], { env });
    const id = /Distribution (\d+):/.exec(sent.stdout)![1]!;

    const canceled = await runParley(['cancel', id], { env });
    expect(canceled.stderr).toBe('');
    expect(canceled.stdout).toBe(`Distribution ${id}: 3 pending messages canceled. Messages already sent are not recalled, and open sessions stay open.\n`);

    const status = JSON.parse((await runParley(['status', id, '--json'], { env })).stdout) as { invites: { skipped: number; pending: number }; skipReasons: unknown };
    expect(status.invites).toMatchObject({ pending: 0, skipped: 3 });
    expect(status.skipReasons).toEqual([{ reason: 'distribution canceled', count: 3 }]);
  });

  it('names an unknown or malformed id', async () => {
    expect((await runParley(['cancel', '999'], { env })).stderr).toBe('parley: No distribution 999. Run parley status to list the distributions.\n');
    expect((await runParley(['cancel', 'last'], { env })).stderr).toContain('parley: Distribution "last" is not an id');
  });
});

describe('parseSendAt', () => {
  it('reads a time with an offset or Z', () => {
    expect(parseSendAt('2026-12-05T09:00-05:00').toISOString()).toBe('2026-12-05T14:00:00.000Z');
    expect(parseSendAt('2026-12-05 14:00:30Z').toISOString()).toBe('2026-12-05T14:00:30.000Z');
  });
});
