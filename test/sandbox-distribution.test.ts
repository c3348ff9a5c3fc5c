import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyExampleSurveys } from './support/harness.ts';
import { PARLEY_BIN, runParley, type ServerProcess, startServerProcess } from './support/processes.ts';

const PHONE = '+12015550101';

let dir: string;
let env: Record<string, string>;
let server: ServerProcess;

// The README's walk-through: a fresh sandbox, a CSV, an interactive survey answered
// with `parley chat`, and `parley status` following it. Nothing but processes on 127.0.0.1.
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sandbox-send-'));
  fs.mkdirSync(path.join(dir, 'surveys'));
  copyExampleSurveys(path.join(dir, 'surveys'));
  env = {
    DATABASE_URL: path.join(dir, 'parley.db'),
    SURVEYS_DIR: path.join(dir, 'surveys'),
    DATA_DIR: dir,
    // The test may run at any hour; the sending hours are tested on a frozen clock elsewhere.
    SEND_WINDOW: 'always',
    LOG_LEVEL: 'info',
  };
  for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'TWILIO_MESSAGING_SERVICE_SID', 'TWILIO_API_URL', 'PUBLIC_URL']) env[name] = '';
  server = await startServerProcess(env);
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function status(): Promise<{ invites: Record<string, number>; segmentsSent: number; estimatedCost: unknown }> {
  const result = await runParley(['status', '1', '--json'], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as never;
}

async function waitForStatus(check: (report: Awaited<ReturnType<typeof status>>) => boolean): Promise<Awaited<ReturnType<typeof status>>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const report = await status();
    if (check(report)) return report;
    if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(report)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('sending a survey in sandbox mode', () => {
  it('tells other processes where its fake Twilio listens', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/sandbox/twilio-api`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { url: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('explains that a worker needs the sandbox server', async () => {
    const worker = await runParley(['worker'], { env: { ...env, PORT: '9' } });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain('parley: No sandbox server answered at http://127.0.0.1:9');
    expect(worker.stderr).toContain('Start it first with `npm start`, with the same PORT, or set TWILIO_API_URL.');
  });

  it('imports, sends, answers by chat and shows the status', async () => {
    fs.writeFileSync(path.join(dir, 'friends.csv'), `phone,first_name\n${PHONE},Ada\n+1 201 555 0102,Grace\n`);
    const imported = await runParley(['contacts', 'import', path.join(dir, 'friends.csv')], { env });
    expect(imported.code, imported.stderr).toBe(0);

    const sent = await runParley(['send', '--survey', 'customer-nps', '--list', 'friends'], { env });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('Distribution 1: 2 invitations to list "friends" for survey customer-nps (interactive mode).');

    await waitForStatus((report) => report.invites.delivered === 2);

    const chat = await runParley(['chat', '--from', PHONE, '--url', `http://127.0.0.1:${server.port}`], { env, input: '9\n2\nFast delivery\n' });
    expect(chat.code, chat.stderr).toBe(0);
    const lines = chat.stdout.split('\n');
    // The invitation shows first, as on the phone, then each reply.
    expect(lines[0]).toBe('parley> Hi, this is Acme. We have 3 quick questions about your experience with us. Reply STOP at any time to opt out.');
    expect(chat.stdout).toContain('How did you first hear about Acme?');
    expect(chat.stdout).not.toContain('To take a survey');

    const report = await waitForStatus((current) => current.invites.completed === 1);
    expect(report.invites).toMatchObject({ total: 2, delivered: 2, answered: 1, completed: 1 });
    expect(report.segmentsSent).toBe(4);

    const text = await runParley(['status', '1'], { env });
    expect(text.stdout).toContain('customer-nps');
  }, 60_000);
});

describe('a sandbox worker', () => {
  it('follows the fake Twilio of a restarted server', async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sandbox-worker-'));
    fs.mkdirSync(path.join(workDir, 'surveys'));
    copyExampleSurveys(path.join(workDir, 'surveys'));
    const workerEnv = { ...env, DATABASE_URL: path.join(workDir, 'parley.db'), SURVEYS_DIR: path.join(workDir, 'surveys'), DATA_DIR: workDir };
    let first = await startServerProcess(workerEnv);
    const port = String(first.port);
    const worker = spawn(process.execPath, [PARLEY_BIN, 'worker'], { env: { ...process.env, ...workerEnv, PORT: port } });
    let logs = '';
    worker.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    try {
      await vi.waitFor(() => expect(logs).toContain('worker started'), { timeout: 10_000 });
      await first.stop();
      first = await startServerProcess({ ...workerEnv, PORT: port });
      await vi.waitFor(() => expect(logs).toContain("the sandbox server's fake Twilio moved; sending there now"), { timeout: 15_000, interval: 200 });
    } finally {
      worker.kill('SIGTERM');
      await first.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }, 40_000);
});
