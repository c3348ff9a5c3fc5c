import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExampleSurveys } from './support/harness.ts';
import { runParley, type ServerProcess, startServerProcess } from './support/processes.ts';

/** Finds a loopback port that nothing listens on, by binding it once and releasing it. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let dataDir: string;
let env: Record<string, string>;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-chat-'));
  fs.mkdirSync(path.join(dataDir, 'surveys'));
  copyExampleSurveys(path.join(dataDir, 'surveys'));
  env = {
    DATA_DIR: dataDir,
    DATABASE_URL: path.join(dataDir, 'parley.db'),
    SURVEYS_DIR: path.join(dataDir, 'surveys'),
    TWILIO_ACCOUNT_SID: '',
    TWILIO_AUTH_TOKEN: '',
  };
  server = await startServerProcess(env);
}, 30_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('parley serve', () => {
  it('announces sandbox mode first', () => {
    expect(server.logs[0]).toMatchObject({ level: 40, msg: expect.stringMatching(/^SANDBOX MODE/) });
    expect(fs.existsSync(path.join(dataDir, 'sandbox-credentials.json'))).toBe(true);
  });

  it('never logs the sandbox token', () => {
    const { authToken } = JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox-credentials.json'), 'utf8')) as { authToken: string };
    expect(JSON.stringify(server.logs)).not.toContain(authToken);
  });
});

describe('parley chat', () => {
  it('completes the customer survey', async () => {
    const url = `http://127.0.0.1:${server.port}`;
    const result = await runParley(['chat', '--from', '+15555550123', '--url', url], {
      env,
      input: 'FEEDBACK\n9\n2\nFriendly staff & quick delivery\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('parley> How likely are you to recommend');
    expect(result.stdout).toContain('parley> 1. Search');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^parley> Thanks/);
  }, 30_000);

  it('exports the completed survey', async () => {
    const result = await runParley(['export', '--survey', 'customer-nps', '--status', 'completed'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [header, row] = result.stdout.split('\r\n');
    expect(header).toMatch(/^respondent,session_id,survey_id,survey_hash,status,started_at,ended_at,score,score_status,channel,channel_status,channel_label,reason,reason_status$/);
    expect(row).toMatch(/^\+15555550123,\d+,customer-nps,[0-9a-f]{64},completed,.*,9,answered,A friend or colleague,answered,A friend or colleague,Friendly staff & quick delivery,answered$/);
  }, 30_000);

  it('explains an export file that cannot be written', async () => {
    const out = path.join(dataDir, 'no-such-folder', 'x.csv');
    const result = await runParley(['export', '--survey', 'customer-nps', '--out', out], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^parley: Cannot write ".*x\.csv": ENOENT: no such file or directory, open '.*x\.csv'\. Check that the folder exists and is writable\.\n$/);
  }, 30_000);

  it('rejects a malformed --from', async () => {
    const result = await runParley(['chat', '--from', '555-abc'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('parley: --from "555-abc" is not a phone number in E.164 format; write it like +15555550123.\n');
  }, 30_000);

  it('explains an unreachable server', async () => {
    const port = await closedPort();
    const result = await runParley(['chat', '--from', '+15555550123', '--url', `http://127.0.0.1:${port}`], { env, input: 'hi\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`parley: Could not reach Parley at http://127.0.0.1:${port} (ECONNREFUSED). Start it with \`npm start\`, or pass --url.\n`);
  }, 30_000);

  it('signs for the --url port without PUBLIC_URL', async () => {
    const result = await runParley(['chat', '--from', '+15555550124', '--url', `http://127.0.0.1:${server.port}`], {
      env,
      input: 'hello\n',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^parley> To take a survey, text /);
  }, 30_000);

  it('starts a survey with --survey', async () => {
    const url = `http://127.0.0.1:${server.port}`;
    const result = await runParley(['chat', '--from', '+15555550126', '--url', url, '--survey', 'customer-nps'], { env, input: '9\n' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^parley> Hi, this is Acme\./);
    expect(result.stdout).toContain('parley> How did you first hear about Acme?');
  }, 30_000);

  it('chats in the --lang language', async () => {
    const url = `http://127.0.0.1:${server.port}`;
    const result = await runParley(['chat', '--from', '+15555550127', '--url', url, '--survey', 'pharmacy-feedback', '--lang', 'es-MX'], {
      env,
      input: '3 de diciembre de 2025\n',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'parley> Hola, le escribe Acme Pharmacy. 5 preguntas breves sobre su última visita. Responda STOP para darse de baja.',
        'parley> ',
        'parley> ¿En qué fecha fue su visita? Por ejemplo 14/03/2026.',
        'parley> ¿Cómo fue su visita en general?',
        'parley> 1 = Muy mala, 5 = Muy buena',
        '',
      ].join('\n'),
    );
  }, 30_000);

  it('rejects an invalid --lang', async () => {
    const result = await runParley(['chat', '--from', '+15555550128', '--lang', 'es_MX'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('parley: --lang "es_MX" is not a BCP 47 language tag; write it like es, es-MX or pt-BR.\n');
  }, 30_000);

  it('keeps --lang to sandbox mode', async () => {
    const production = { ...env, TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef', PUBLIC_URL: 'https://surveys.example.org' };
    const result = await runParley(['chat', '--from', '+15555550128', '--lang', 'es'], { env: production });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'parley: --lang works only in sandbox mode, because it changes the contact record of +15555550128 in the database, and TWILIO_AUTH_TOKEN is set. Import the number with a language column instead (parley contacts import).\n',
    );
  }, 30_000);

  it('rejects an unknown --survey', async () => {
    const result = await runParley(['chat', '--from', '+15555550128', '--survey', 'customer-npss'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `parley: --survey "customer-npss" is not the id of a survey in ${path.join(dataDir, 'surveys')} (did you mean customer-nps?): the surveys are customer-nps, event-feedback, pharmacy-feedback, phq-2. Run chat with the same SURVEYS_DIR as the server.\n`,
    );
  }, 30_000);

  it('skips empty lines', async () => {
    const result = await runParley(['chat', '--from', '+15555550125', '--url', `http://127.0.0.1:${server.port}`], { env, input: '\n  \nhello\n' });
    expect(result.stdout.match(/^parley> /gm)).toHaveLength(1);
  }, 30_000);

  it('explains a signature mismatch', async () => {
    const url = `http://127.0.0.1:${server.port}`;
    const result = await runParley(['chat', '--from', '+15555550123', '--url', url], {
      env: { ...env, PUBLIC_URL: 'http://localhost:4000' },
      input: 'hi\n',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'parley: The server rejected the signature (signed for http://localhost:4000/twilio/messages). Run chat with the same TWILIO_AUTH_TOKEN, PUBLIC_URL, PORT and DATA_DIR as the server.\n',
    );
  }, 30_000);
});

describe('parley serve shutdown', () => {
  it('stops cleanly on SIGTERM', async () => {
    const other = await startServerProcess({ ...env, DATABASE_URL: path.join(dataDir, 'other.db') });
    expect(await other.stop('SIGTERM')).toBe(0);
    expect(other.logs.at(-1)).toMatchObject({ msg: 'stopped' });
  }, 30_000);
});

describe('parley serve configuration', () => {
  it('explains a port already in use', async () => {
    const result = await runParley(['serve'], {
      env: { ...env, PORT: String(server.port), HOST: '127.0.0.1', DATABASE_URL: path.join(dataDir, 'busy.db') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `parley: Port ${server.port} is already in use (127.0.0.1:${server.port}). Stop the other process, or set PORT to a free port.\n`,
    );
    const lastLog = JSON.parse(result.stdout.trimEnd().split('\n').at(-1)!);
    expect(lastLog).toMatchObject({ level: 60, msg: 'server failed to start' });
  }, 30_000);

  it('lists every invalid variable and exits', async () => {
    const result = await runParley(['serve'], { env: { ...env, PORT: 'eighty', LOG_LEVEL: 'loud' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'parley: Invalid configuration:\n' +
        '  - PORT "eighty" is invalid: expected a whole number from 0 to 65535.\n' +
        '  - LOG_LEVEL "loud" is invalid: expected one of fatal, error, warn, info, debug, trace, silent.\n',
    );
  }, 30_000);
});

describe('parley check', () => {
  it('passes the example surveys', async () => {
    const result = await runParley(['check'], { env: { ...env, SURVEYS_DIR: path.join(dataDir, 'surveys') } });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('0 errors, 0 warnings in 4 files');
  }, 30_000);

  it('fails on a choice that is a keyword', async () => {
    const file = path.join(dataDir, 'stop-choice.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ id: 'bad', title: 'Bad', keywords: ['BAD'], questions: [{ id: 'q', type: 'choice', text: 'Go on?', choices: ['Go', 'Stop'] }], end: 'Bye.' }),
    );
    const result = await runParley(['check', file], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/stop-choice\.json:1:\d+: error: \$\.questions\[0\]\.choices\[1\]: /);
  }, 30_000);

  it('exits 2 for a missing file', async () => {
    const result = await runParley(['check', path.join(dataDir, 'missing.json')], { env });
    expect(result.code).toBe(2);
  }, 30_000);
});
