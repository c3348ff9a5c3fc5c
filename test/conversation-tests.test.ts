import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConversationTests } from '../src/cli/test-command.ts';
import { copyExampleSurveys, REPO_SURVEYS_DIR } from './support/harness.ts';

/** The conversation tests shipped for the example surveys. */
const EXAMPLE_TEST_FILES = ['customer-nps.yaml', 'event-feedback.yaml', 'pharmacy-feedback-es.yaml', 'phq-2-expiry.yaml', 'phq-2.yaml'];

let dir: string;
let testsDir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-conversation-tests-'));
  testsDir = path.join(dir, 'tests');
  fs.mkdirSync(testsDir);
  copyExampleSurveys(dir);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes a test file into the folder's tests/ and returns its path. */
function writeTest(name: string, source: string): string {
  const file = path.join(testsDir, name);
  fs.writeFileSync(file, source);
  return file;
}

/** Runs the tests named (or every test in tests/) and returns the exit code and every output line. */
async function runTests(files: string[] = []): Promise<{ exitCode: number; lines: string[] }> {
  const lines: string[] = [];
  const exitCode = await runConversationTests(files, { surveysDir: dir, out: (line) => lines.push(line) });
  return { exitCode, lines };
}

describe('parley test', () => {
  it('passes the shipped example tests', async () => {
    for (const name of EXAMPLE_TEST_FILES) {
      fs.copyFileSync(path.join(REPO_SURVEYS_DIR, 'tests', name), path.join(testsDir, name));
    }

    const { exitCode, lines } = await runTests();

    expect(lines).toEqual([
      `PASS ${path.join(testsDir, 'customer-nps.yaml')} (8 steps)`,
      `PASS ${path.join(testsDir, 'event-feedback.yaml')} (9 steps)`,
      `PASS ${path.join(testsDir, 'pharmacy-feedback-es.yaml')} (12 steps)`,
      `PASS ${path.join(testsDir, 'phq-2-expiry.yaml')} (4 steps)`,
      `PASS ${path.join(testsDir, 'phq-2.yaml')} (8 steps)`,
      '5 passed, 0 failed',
    ]);
    expect(exitCode).toBe(0);
  });

  it('reports a failing step', async () => {
    const file = writeTest('wrong.yaml', ['steps:', '  - send: FEEDBACK', '  - send: "11"', '    expect: "Thanks."', '  - send: "9"'].join('\n'));

    const { exitCode, lines } = await runTests();

    expect(lines).toEqual([
      `FAIL ${file}`,
      '  step 2: sent "11"',
      '  expected exactly:',
      '    Thanks.',
      '  actual:',
      '    Please reply with a number from 0 to 10.\n' +
        '\n' +
        '    How likely are you to recommend Acme to a friend or colleague? Reply with a number from 0 (not at all likely) to 10 (extremely likely).',
      '0 passed, 1 failed',
    ]);
    expect(exitCode).toBe(1);
  });

  it('reports an unexpected reply to none', async () => {
    const file = writeTest('none.json', JSON.stringify({ steps: [{ send: 'HELP', expect: { none: true } }] }));

    const { lines } = await runTests();

    expect(lines.slice(0, 4)).toEqual([`FAIL ${file}`, '  step 1: sent "HELP"', '  expected no reply', '  actual:']);
  });

  it('reports a missing reply', async () => {
    const file = writeTest('missing.yaml', ['steps:', '  - send: STOP', '  - send: hello', '    expect: { contains: "Hi" }'].join('\n'));

    const { lines } = await runTests();

    expect(lines).toEqual([`FAIL ${file}`, '  step 2: sent "hello"', '  expected a reply containing:', '    Hi', '  actual: no reply', '0 passed, 1 failed']);
  });

  it('counts passes and failures', async () => {
    writeTest('a-pass.yml', 'steps:\n  - send: EVENT\n    expect: { matches: "^Thanks for coming" }\n');
    writeTest('b-fail.yaml', 'steps:\n  - send: EVENT\n    expect: { matches: "^Hello" }\n');

    const { exitCode, lines } = await runTests();

    expect(lines.at(-1)).toBe('1 passed, 1 failed');
    expect(lines).toContain('  expected a reply matching:');
    expect(lines).toContain('    /^Hello/');
    expect(exitCode).toBe(1);
  });

  it('runs only the named files', async () => {
    writeTest('other.yaml', 'steps:\n  - send: EVENT\n    expect: wrong\n');
    const file = writeTest('named.yaml', 'steps:\n  - send: CHECKIN\n');

    const { exitCode, lines } = await runTests([file]);

    expect(lines).toEqual([`PASS ${file} (1 step)`, '1 passed, 0 failed']);
    expect(exitCode).toBe(0);
  });

  it('starts each file on a fresh database', async () => {
    writeTest('a.yaml', 'steps:\n  - send: STOP\n');
    writeTest('b.yaml', 'steps:\n  - send: EVENT\n    expect: { contains: "Acme Summit" }\n');

    const { exitCode } = await runTests();

    expect(exitCode).toBe(0);
  });

  it('fails a test whose survey is not loaded', async () => {
    const file = writeTest('unknown.yaml', 'survey: customer-nsp\nsteps:\n  - send: FEEDBACK\n');

    const { exitCode, lines } = await runTests();

    expect(lines).toEqual([
      `FAIL ${file}`,
      '  survey "customer-nsp" is not loaded (the loaded surveys are customer-nps, event-feedback, pharmacy-feedback, phq-2). Correct survey: in the test, or fix the survey file.',
      '0 passed, 1 failed',
    ]);
    expect(exitCode).toBe(1);
  });

  it('rejects a folder without tests', async () => {
    const { exitCode, lines } = await runTests();

    expect(lines).toEqual([
      `parley test: no test files found in ${testsDir}. Add *.yaml, *.yml or *.json conversation tests there (see docs/surveys.md), or name the test files.`,
    ]);
    expect(exitCode).toBe(2);
  });

  it('rejects a named file that does not exist', async () => {
    const missing = path.join(testsDir, 'nope.yaml');

    const { exitCode, lines } = await runTests([missing]);

    expect(lines).toEqual([
      `parley test: file not found: ${missing}. Check the path, or run parley test without files to run every test in the surveys folder's tests/.`,
    ]);
    expect(exitCode).toBe(2);
  });

  it('rejects a missing survey folder', async () => {
    const file = writeTest('ok.yaml', 'steps:\n  - send: HELP\n');
    const lines: string[] = [];
    const missingDir = path.join(dir, 'absent');

    const exitCode = await runConversationTests([file], { surveysDir: missingDir, out: (line) => lines.push(line) });

    expect(lines).toEqual([
      `parley test: Survey directory ${missingDir} was not found. Create it, or set SURVEYS_DIR to the folder that contains the survey .json files.`,
    ]);
    expect(exitCode).toBe(2);
  });

  it('uses the program name in engine replies', async () => {
    const file = writeTest('help.yaml', 'steps:\n  - send: HELP\n    expect: { matches: "^Acme surveys: " }\n');
    const lines: string[] = [];

    const exitCode = await runConversationTests([file], { surveysDir: dir, out: (line) => lines.push(line), programName: 'Acme surveys' });

    expect(exitCode).toBe(0);
  });
});

describe('wait step', () => {
  it('expires the session', async () => {
    writeTest(
      'expired.yaml',
      ['steps:', '  - send: EVENT', '  - wait: 2d', '  - send: "5"', '    expect: { contains: \'The survey "Event feedback" has closed.\' }'].join('\n'),
    );

    const { exitCode, lines } = await runTests();

    expect(lines.at(-1)).toBe('1 passed, 0 failed');
    expect(exitCode).toBe(0);
  });

  it('keeps the session before expiry', async () => {
    writeTest('active.yaml', ['steps:', '  - send: EVENT', '  - wait: 47h', '  - send: "5"', '    expect: { contains: "Would you come to the Summit again" }'].join('\n'));

    const { exitCode } = await runTests();

    expect(exitCode).toBe(0);
  });
});

describe('test file validation', () => {
  it.each([
    ['unknown key', 'steps:\n  - send: HELP\n    expct: "x"\n', 'step 1: unknown property "expct". Did you mean "expect"? The properties allowed in a step are "send", "expect", "wait".'],
    ['missing send', 'steps:\n  - send: HELP\n  - expect: "x"\n', 'step 2: missing "send". Add send: with the message whose reply expect checks.'],
    ['empty step', 'steps:\n  - {}\n', 'step 1: missing "send". Add send: with the message to send, or wait: with a duration such as "4d".'],
    [
      'bad duration',
      'steps:\n  - wait: 4 days\n',
      'step 1: invalid duration "4 days" in wait. Use a whole number above 0 followed by m (minutes), h (hours) or d (days), for example "90m" or "4d".',
    ],
    [
      'bad regex',
      'steps:\n  - send: HELP\n    expect: { matches: "(unclosed" }\n',
      'step 1: expect.matches: invalid regular expression "(unclosed": Invalid regular expression: /(unclosed/u: Unterminated group. Fix the pattern (JavaScript syntax, with the u flag), or use contains: for plain text.',
    ],
    [
      'two expectations',
      'steps:\n  - send: HELP\n    expect: { exact: "a", contains: "b" }\n',
      'step 1: expect: expect needs exactly one of exact, contains, matches or none, but has exact and contains. Keep one, and split other checks into their own test.',
    ],
    ['unknown expectation', 'steps:\n  - send: HELP\n    expect: { equals: "a" }\n', 'step 1: expect: unknown property "equals". Remove it or correct its name. The properties allowed in expect are "exact", "contains", "matches", "none".'],
    ['number sent', 'steps:\n  - send: 11\n', 'step 1: send: expected a string, got 11 (a number). Put the text in double quotes.'],
    ['none not true', 'steps:\n  - send: STOP\n    expect: { none: false }\n', 'step 1: expect.none: expected true, got false. Write none: true to expect no reply, or remove the step\'s expect.'],
    ['send and wait', 'steps:\n  - send: HELP\n    wait: 1d\n', 'step 1: a step has both send and wait. Split it into a wait step followed by a send step.'],
    ['expect on wait', 'steps:\n  - wait: 1d\n    expect: "x"\n', 'step 1: a wait step has an expect, but only a sent message gets a reply. Move expect to a send step.'],
    ['missing steps', 'survey: phq-2\n', 'missing required property "steps" (the list of messages to send and replies to expect). Add it.'],
    ['empty steps', 'steps: []\n', 'steps: steps is empty. Add at least one step, such as - send: HELP.'],
    ['invalid YAML', 'steps:\n  - send: HELP\n  - send: HELP\n send: x\n', 'invalid YAML: All mapping items must start at the same column at line 4, column 1'],
  ])('reports %s', async (_name, source, problem) => {
    const file = writeTest('invalid.yaml', source);

    const { exitCode, lines } = await runTests();

    expect(lines).toEqual([`FAIL ${file}`, `  ${problem}`, '0 passed, 1 failed']);
    expect(exitCode).toBe(1);
  });

  it('reports a misspelled steps', async () => {
    const file = writeTest('invalid.yaml', 'step:\n  - send: HELP\n');

    const { lines } = await runTests();

    expect(lines).toEqual([
      `FAIL ${file}`,
      '  missing required property "steps" (the list of messages to send and replies to expect). Add it.',
      '  unknown property "step". Did you mean "steps"? The properties allowed in a test file are "survey", "from", "steps".',
      '0 passed, 1 failed',
    ]);
  });

  it('reports invalid JSON', async () => {
    const file = writeTest('invalid.json', '{ "steps": [ }');

    const { lines } = await runTests();

    expect(lines[0]).toBe(`FAIL ${file}`);
    expect(lines[1]).toMatch(/^ {2}invalid JSON: /);
  });

  it('reports every problem at once', async () => {
    writeTest('invalid.yaml', 'steps:\n  - sendd: HELP\n  - wait: soon\n');

    const { lines } = await runTests();

    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^ {2}step 1: unknown property "sendd"\. Did you mean "send"\?/);
    expect(lines[2]).toMatch(/^ {2}step 2: invalid duration "soon" in wait\./);
  });
});
