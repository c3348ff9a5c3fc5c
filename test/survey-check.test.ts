import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCheck } from '../src/cli/check-command.ts';
import { countSegments } from '../src/sms/segments.ts';
import { checkSurveySources } from '../src/surveys/survey-check.ts';
import { copyExampleSurveys } from './support/harness.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-check-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function survey(changes: Record<string, unknown> = {}) {
  return {
    id: 'customer-nps',
    title: 'Customer feedback',
    keywords: ['FEEDBACK'],
    intro: 'Acme here: 2 quick questions. Reply STOP to opt out.',
    questions: [
      { id: 'score', type: 'nps', text: 'How likely are you to recommend us? Reply 0-10.' },
      { id: 'channel', type: 'choice', text: 'How did you hear about us?', choices: ['Search', 'A friend'] },
    ],
    end: 'Thanks!',
    ...changes,
  };
}

/** Writes survey files into the test's folder, two-space indented, and returns their paths. */
async function writeSurveys(files: Record<string, unknown>): Promise<string[]> {
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    written.push(file);
  }
  return written;
}

/** Runs the check on the test's folder and returns the exit code and every output line. */
async function check(files: string[] = [], fixQuotes = false): Promise<{ exitCode: number; lines: string[] }> {
  const lines: string[] = [];
  const exitCode = await runCheck(files, { fixQuotes, surveysDir: dir, out: (line) => lines.push(line) });
  return { exitCode, lines };
}

/** Returns the output lines that report findings, without the message tables and the summary. */
function findingLines(lines: string[]): string[] {
  return lines.filter((line) => / (error|warning): /.test(line));
}

/** Returns the 1-based line and column of the first `needle` in the file, for expected positions. */
async function positionOf(file: string, needle: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

describe('countSegments', () => {
  it.each([
    ['160 GSM-7 characters', 'a'.repeat(160), 'GSM-7', 1],
    ['161 GSM-7 characters', 'a'.repeat(161), 'GSM-7', 2],
    ['70 UCS-2 characters', 'ж'.repeat(70), 'UCS-2', 1],
    ['71 UCS-2 characters', 'ж'.repeat(71), 'UCS-2', 2],
    ['80 euro signs (160 septets)', '€'.repeat(80), 'GSM-7', 1],
    ['159 letters and a euro sign (161 septets)', `${'a'.repeat(159)}€`, 'GSM-7', 2],
  ])('counts %s', (_name, body, encoding, segments) => {
    expect(countSegments(body)).toEqual({ encoding, segments });
  });
});

describe('parley check', () => {
  it('reports a reserved keyword', async () => {
    const [file] = await writeSurveys({ 'reserved.json': survey({ keywords: ['stop'] }) });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(1);
    expect(findingLines(lines)).toEqual([
      `${file}:${await positionOf(file!, '"stop"')}: error: $.keywords[0]: keyword "stop" is reserved, because Twilio handles STOP as an opt-out, opt-in or help command. Choose another word.`,
    ]);
    expect(lines.at(-1)).toBe('1 error, 0 warnings in 1 file');
  });

  it('reports a keyword used by two files', async () => {
    const [first, second] = await writeSurveys({
      'a.json': survey({ id: 'first' }),
      'b.json': survey({ id: 'second', keywords: ['OTHER', 'feedback'] }),
    });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(1);
    expect(findingLines(lines)).toEqual([
      `${second}:${await positionOf(second!, '"feedback"')}: error: $.keywords[1]: keyword "FEEDBACK" is already used by ${first}, so texting it could start only one of the two surveys. Choose another keyword, or remove it from one of the two files.`,
    ]);
  });

  it('reports a survey id used by two files', async () => {
    const [first, second] = await writeSurveys({ 'a.json': survey(), 'b.json': survey({ keywords: ['OTHER'] }) });

    const { lines } = await check();

    expect(findingLines(lines)).toEqual([
      `${second}:2:3: error: $.id: survey id "customer-nps" is already used by ${first}. Give this survey another id, or remove one of the two files.`,
    ]);
  });

  it('rejects a choice that is a keyword', async () => {
    const questions = [{ id: 'pick', type: 'choice', text: 'What next?', choices: ['Go on', 'Stop'] }];
    const [file] = await writeSurveys({ 'choices.json': survey({ questions }) });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(1);
    expect(findingLines(lines)).toEqual([
      `${file}:${await positionOf(file!, '"Stop"')}: error: $.questions[0].choices[1]: choice "Stop" is the opt-out keyword STOP, which is read before any answer, so replying "Stop" unsubscribes the respondent and ends the survey instead of picking this choice. Reword the choice so that it is not a keyword on its own (a reply of "2" still picks it).`,
    ]);
    expect(lines.at(-1)).toBe('1 error, 0 warnings in 1 file');
  });

  it('warns about a choice that is YES', async () => {
    const questions = [{ id: 'pick', type: 'choice', text: 'What next?', choices: ['Go on', 'Yes'] }];
    const [file] = await writeSurveys({ 'choices.json': survey({ questions }) });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(0);
    expect(findingLines(lines)).toEqual([
      `${file}:${await positionOf(file!, '"Yes"')}: warning: $.questions[0].choices[1]: choice "Yes" is also the opt-in keyword YES. Parley reads it as this choice, because YES opts back in only a respondent who opted out, but a carrier or a messaging service that handles opt-in keywords itself may treat it as an opt-in. Reword the choice, for example "Yes, I do", if your number handles YES.`,
    ]);
    expect(lines.at(-1)).toBe('0 errors, 1 warning in 1 file');
  });

  it('warns about a choice label that is YES', async () => {
    const choices = [{ label: 'Yes', value: 'y' }, 'Go on'];
    const [file] = await writeSurveys({ 'labels.json': survey({ questions: [{ id: 'pick', type: 'choice', text: 'What next?', choices }] }) });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(0);
    expect(findingLines(lines)).toEqual([
      expect.stringContaining(`${file}:${await positionOf(file!, '"label"')}: warning: $.questions[0].choices[0].label: choice "Yes" is also the opt-in keyword YES.`),
    ]);
  });

  it('warns about an alias that is YES', async () => {
    const choices = ['Go on', { label: 'Sure', aliases: ['Yes'] }];
    const [file] = await writeSurveys({ 'aliases.json': survey({ questions: [{ id: 'pick', type: 'choice', text: 'What next?', choices }] }) });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(0);
    expect(findingLines(lines)).toEqual([
      `${file}:${await positionOf(file!, '"Yes"')}: warning: $.questions[0].choices[1].aliases[0]: alias "Yes" of choice "Sure" is also the opt-in keyword YES. Parley reads it as this choice, because YES opts back in only a respondent who opted out, but a carrier or a messaging service that handles opt-in keywords itself may treat it as an opt-in. Remove the alias if your number handles YES.`,
    ]);
    expect(lines.at(-1)).toBe('0 errors, 1 warning in 1 file');
  });

  it('reports a help choice', async () => {
    const questions = [{ id: 'pick', type: 'choice', text: 'What next?', choices: ['Go on', 'help!'] }];
    const [file] = await writeSurveys({ 'help.json': survey({ questions }) });

    const { lines } = await check();

    expect(findingLines(lines)).toEqual([
      `${file}:${await positionOf(file!, '"help!"')}: error: $.questions[0].choices[1]: choice "help!" is the help keyword HELP, which is read before any answer, so replying "help!" sends the help text and repeats the question instead of picking this choice. Reword the choice so that it is not a keyword on its own (a reply of "2" still picks it).`,
    ]);
  });

  it('warns about a curly apostrophe', async () => {
    const questions = [{ id: 'reason', type: 'text', text: 'What’s the main reason for your score?' }];
    const [file] = await writeSurveys({ 'curly.json': survey({ questions }) });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(0);
    expect(findingLines(lines)).toEqual([
      `${file}:${await positionOf(file!, '’')}: warning: $.questions[0].text: "’" (U+2019 RIGHT SINGLE QUOTATION MARK) makes the intro + question "reason" message UCS-2: 2 segments, or 1 segment in GSM-7 without it. Replace it with "'", or run parley check --fix-quotes.`,
    ]);
    expect(lines.at(-1)).toBe('0 errors, 1 warning in 1 file');
  });

  it('locates a character written as an escape', async () => {
    const questions = [{ id: 'reason', type: 'text', text: 'Why?' }];
    // JSON.stringify writes the dash itself, so the escape replaces a placeholder.
    const source = JSON.stringify(survey({ questions, end: 'Thanks\nDASH Acme' }), null, 2).replace('DASH', '\\u2014');
    const [file] = await writeSurveys({ 'escaped.json': source });

    const { lines } = await check();

    expect(findingLines(lines)).toEqual([
      `${file}:${await positionOf(file!, '\\u2014')}: warning: $.end: "—" (U+2014 EM DASH) makes the end message UCS-2: 1 segment, or 1 segment in GSM-7 without it. Replace it with "-", or run parley check --fix-quotes.`,
    ]);
  });

  it('ignores punctuation in text that needs UCS-2', async () => {
    await writeSurveys({ 'greek.json': survey({ end: 'Ευχαριστούμε – Acme' }) });

    const { lines } = await check();

    expect(findingLines(lines)).toEqual([]);
  });

  it('counts a 161-character end message as 2 segments', async () => {
    const end = `Thanks! ${'x'.repeat(153)}`;
    await writeSurveys({ 'long.json': survey({ end }) });

    const { exitCode, lines } = await check();

    expect(end).toHaveLength(161);
    expect(exitCode).toBe(0);
    expect(lines).toContain('         2  GSM-7            161  end');
    expect(lines).toContain('         2  GSM-7            177  moving on + end');
  });

  it('passes a valid survey', async () => {
    const [file] = await writeSurveys({ 'valid.json': survey() });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(0);
    expect(lines).toEqual([
      `${file} (survey "customer-nps"): 7 messages a respondent can receive`,
      '  segments  encoding  characters  message',
      '         1  GSM-7            101  intro + question "score"',
      '         1  GSM-7             89  question "score" asked again',
      '         1  GSM-7             48  question "channel"',
      '         1  GSM-7             89  question "channel" asked again',
      '         1  GSM-7              7  end',
      '         1  GSM-7             64  moving on + question "channel"',
      '         1  GSM-7             23  moving on + end',
      '0 errors, 0 warnings in 1 file',
    ]);
  });

  it('fixes curly quotes and passes', async () => {
    const questions = [{ id: 'reason', type: 'text', text: '“Why” – what’s the reason…?' }];
    const [file] = await writeSurveys({ 'fix.json': survey({ questions }) });
    const before = await readFile(file!, 'utf8');
    const position = await positionOf(file!, '“');

    const { exitCode, lines } = await check([], true);

    expect(exitCode).toBe(0);
    expect(await readFile(file!, 'utf8')).toBe(before.replace('“Why” – what’s the reason…?', '\\"Why\\" - what\'s the reason...?'));
    expect(lines[0]).toBe(`${file}:${position}: fixed: replaced "“" (U+201C LEFT DOUBLE QUOTATION MARK) with "\\""`);
    expect(lines.filter((line) => line.includes(': fixed: '))).toHaveLength(5);
    expect(findingLines(lines)).toEqual([]);
    expect(lines.at(-1)).toBe('0 errors, 0 warnings in 1 file');
  });

  it('reports schema problems with their position', async () => {
    const [file] = await writeSurveys({ 'broken.json': '{\n  "id": "Bad Id"\n}\n' });

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(1);
    expect(findingLines(lines)).toContain(
      `${file}:2:3: error: $.id: invalid survey id "Bad Id". Use lowercase letters and digits joined by single hyphens, for example "bad-id".`,
    );
  });

  it('reports invalid JSON with its position', async () => {
    const [file] = await writeSurveys({ 'syntax.json': '{\n  "id": "x",\n}\n' });

    const { lines } = await check();

    expect(findingLines(lines)).toEqual([
      `${file}:2:12: error: $: invalid JSON: unexpected "," before "}". JSON does not allow a comma after the last item, so remove it.`,
    ]);
  });

  it('checks only the named files', async () => {
    const [named] = await writeSurveys({ 'a.json': survey(), 'b.json': survey({ keywords: ['STOP'] }) });

    const { exitCode, lines } = await check([named!]);

    expect(exitCode).toBe(0);
    expect(lines.at(-1)).toBe('0 errors, 0 warnings in 1 file');
  });

  it('checks a named file against the folder', async () => {
    const [existing, added] = await writeSurveys({
      'a.json': survey({ id: 'existing' }),
      'z.json': survey({ id: 'added', keywords: ['feedback'] }),
    });

    const { exitCode, lines } = await check([added!]);

    expect(exitCode).toBe(1);
    expect(findingLines(lines)).toEqual([
      `${added}:${await positionOf(added!, '"feedback"')}: error: $.keywords[0]: keyword "FEEDBACK" is already used by ${existing}, so texting it could start only one of the two surveys. Choose another keyword, or remove it from one of the two files.`,
    ]);
    expect(lines.at(-1)).toBe('1 error, 0 warnings in 1 file');
  });

  it('skips dotfiles', async () => {
    await writeSurveys({ '.#a.json': 'not json', 'a.json': survey() });

    const { lines } = await check();

    expect(lines.at(-1)).toBe('0 errors, 0 warnings in 1 file');
  });

  it('rejects a missing file with exit code 2', async () => {
    const missing = path.join(dir, 'missing.json');

    const { exitCode, lines } = await check([missing]);

    expect(exitCode).toBe(2);
    expect(lines).toEqual([
      `parley check: file not found: ${missing}. Check the path, or run parley check without files to check every survey in ${dir}.`,
    ]);
  });

  it('passes the shipped surveys', async () => {
    copyExampleSurveys(dir);

    const { exitCode, lines } = await check();

    expect(exitCode).toBe(0);
    expect(lines.at(-1)).toBe('0 errors, 0 warnings in 4 files');
  });
});

describe('checkSurveySources', () => {
  it('reports text that is not UTF-8', () => {
    const [report] = checkSurveySources([{ file: 'bad.json', source: new Uint8Array([0x7b, 0xff, 0x7d]) }]);

    expect(report!.findings).toEqual([
      { severity: 'error', file: 'bad.json', path: '$', message: 'the file is not valid UTF-8 text. Save it with the UTF-8 encoding.' },
    ]);
  });

  it('counts reminder messages with the first question', () => {
    const reminders = [{ after: '4h', text: 'Un petit rappel – merci !' }];
    const [report] = checkSurveySources([{ file: 'a.json', source: JSON.stringify(survey({ reminders })) }]);

    const reminder = report!.messages.at(-1)!;
    expect(reminder.label).toMatch(/^reminder 1 \+ question "/);
    expect(reminder.encoding).toBe('UCS-2');
  });

  it('returns segment counts per message', () => {
    const [report] = checkSurveySources([{ file: 'a.json', source: JSON.stringify(survey({ end: 'Merci – à bientôt' })) }]);

    expect(report!.messages.at(4)).toEqual({ label: 'end', encoding: 'UCS-2', segments: 1, characters: 17 });
  });
});
