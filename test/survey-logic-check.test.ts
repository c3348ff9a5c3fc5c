import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_EXIT, runCheck } from '../src/cli/check-command.ts';
import { checkSurveySources } from '../src/surveys/survey-check.ts';
import { SurveyError } from '../src/errors.ts';
import { parseSurveyFile } from '../src/surveys/survey-file.ts';

// Each file in this folder has deliberate mistakes in its branching, conditions, scores,
// piped text or skip word. The lines are what `parley check` prints for them.
const BROKEN_DIR = path.resolve(import.meta.dirname, 'fixtures/broken-logic');

async function checkBrokenFolder(): Promise<{ exitCode: number; lines: string[] }> {
  const lines: string[] = [];
  const exitCode = await runCheck([], { fixQuotes: false, surveysDir: BROKEN_DIR, out: (line) => lines.push(line) });
  return { exitCode, lines };
}

/** Returns the finding lines of one file, with the folder left out of the file name. */
function findingsOf(lines: string[], file: string): string[] {
  return lines
    .filter((line) => line.startsWith(`${path.join(BROKEN_DIR, file)}:`))
    .map((line) => line.slice(BROKEN_DIR.length + 1));
}

const EXPECTED: Record<string, string[]> = {
  "backwards-goto.json": [
    "backwards-goto.json:7:109: error: $.questions[1].next[0].goto: goto \"q1\" goes back to $.questions[0], before this question, which makes a loop: q1 → q2 → q1. Parley moves only forward through a survey, so go to a later question or an end, and reorder the questions if needed.",
    "backwards-goto.json:8:65: error: $.questions[2].next[0].goto: goto \"q3\" goes back to this same question, which makes a loop: a respondent could be asked it forever. Go to a later question or an end.",
  ],
  "bad-piping.json": [
    "bad-piping.json:5:3: error: $.intro: {{answers.name}} is in the intro, which is sent before any answer, so it would always be empty. Move it to a later question's text.",
    "bad-piping.json:7:37: error: $.questions[0].text: {{answers.name}} refers to a question that cannot fill it: question \"name\" ($.questions[0]) is not answered yet when this text is sent. Refer to an earlier question, or move this further down the survey.",
    "bad-piping.json:8:36: error: $.questions[1].text: \"{{contct.first_name}}\" refers to \"contct\", which is not a known source. Start the reference with answers., scores. or contact.",
    "bad-piping.json:8:36: error: $.questions[1].text: \"{{answers.name | there}}\" is not a reference. Write the fallback after \"|\" in double quotes, such as {{contact.first_name | \"there\"}}.",
    "bad-piping.json:8:36: error: $.questions[1].text: {{answers.nmae}} refers to a question that cannot fill it: question \"nmae\" is not in this survey. Refer to one of \"name\".",
    "bad-piping.json:8:36: error: $.questions[1].text: {{ scores.total }} refers to score \"total\", which is not defined in \"scores\". Define it, or correct the id.",
    "bad-piping.json:10:3: error: $.end: \"{{\" has no matching \"}}\". Close the reference with \"}}\", or remove the braces if they are meant as text.",
  ],
  "bad-shapes.json": [
    "bad-shapes.json:7:63: error: $.questions[0].next[0].if: the condition on answer \"q1\" has no test. Add one of \"answered\", \"skipped\", \"equals\", \"in\", \"lt\", \"lte\", \"gt\", \"gte\".",
    "bad-shapes.json:7:107: error: $.questions[0].next[1].if: the condition on answer \"q1\" has no test. Add one of \"answered\", \"skipped\", \"equals\", \"in\", \"lt\", \"lte\", \"gt\", \"gte\".",
    "bad-shapes.json:7:131: error: $.questions[0].next[1].if.equal: unknown property \"equal\". Did you mean \"equals\"? The properties allowed in a condition on an answer are \"answer\", \"answered\", \"skipped\", \"equals\", \"in\", \"lt\", \"lte\", \"gt\", \"gte\".",
    "bad-shapes.json:8:51: error: $.questions[1].showIf: a condition has exactly one of \"answer\", \"score\", \"all\", \"any\", \"not\", and this one has \"answer\", \"score\". Combine conditions with { \"all\": [ ... ] } or { \"any\": [ ... ] }.",
    "bad-shapes.json:9:64: error: $.questions[2].showIf.all: expected at least 1 condition in \"all\", got none. List the conditions, or remove the \"all\".",
  ],
  "choice-values.json": [
    "choice-values.json:11:46: error: $.questions[0].next[0].if.equals: \"A friend\" is not a choice of question \"source\", so no answer could match it. Conditions and scores use a choice's value, and the value of \"A friend\" is \"friend\". Use one of \"friend\", \"Search\".",
    "choice-values.json:14:112: error: $.questions[2].showIf.in[1]: \"Fax\" is not a choice of question \"channels\", so no answer could match it. Use one of \"Email\", \"Phone\".",
    "choice-values.json:16:44: error: $.scores.reach.sum[1]: question \"channels\" is a multi question, whose answers pick several choices and so have no single number, so it cannot be added up. A score adds up number, nps and rating answers, yesno answers (1 or 0), and choice and language answers through \"values\". Remove it from \"sum\", or make it a choice question.",
    "choice-values.json:16:57: error: $.scores.reach.values: question \"source\" is a choice question, and its choice \"friend\" has no number in \"values\", so the score could not count it. Add it to \"values\", for example \"values\": { \"friend\": 0 }.",
    "choice-values.json:16:69: error: $.scores.reach.values[\"A friend\"]: \"A friend\" in \"values\" is not a choice of the questions in \"sum\", so it never counts. Did you mean \"friend\"? Write each choice's value (its label unless it sets \"value\") exactly, or \"yes\" and \"no\" for yes/no questions.",
  ],
  "impossible-values.json": [
    "impossible-values.json:6:130: error: $.questions[0].next[0].if.equals: question \"mood\" is a rating question, whose answers are whole numbers from 1 to 5, so no answer could be 7. Use a whole number in that range.",
    "impossible-values.json:7:134: error: $.questions[1].next[0].if.gt: \"gt\": 200 can never hold, because question \"age\" is a number question, whose answers are whole numbers from 0 to 120. Use a number below 120, or remove the test.",
    "impossible-values.json:7:191: error: $.questions[1].next[1].if.lt: \"lt\": 0 can never hold, because question \"age\" is a number question, whose answers are whole numbers from 0 to 120. Use a number above 0, or remove the test.",
    "impossible-values.json:8:129: error: $.questions[2].showIf.any[0].in[1]: question \"mood\" is a rating question, whose answers are whole numbers from 1 to 5, so no answer could be 6. Use a whole number in that range.",
    "impossible-values.json:8:154: error: $.questions[2].showIf.any[1].equals: question \"age\" is a number question, whose answers are whole numbers from 0 to 120, so no answer could be 30.5. Use a whole number in that range.",
    "impossible-values.json:8:214: error: $.questions[2].next[0].if.lt: \"lt\": 1 can never hold, because question \"visits\" is a number question, whose answers are numbers of at least 1. Use a number above 1, or remove the test.",
    "impossible-values.json:11:42: error: $.scores.total.sum[1]: question \"born\" is a date question, whose answers are dates, not numbers, so it cannot be added up. A score adds up number, nps and rating answers, yesno answers (1 or 0), and choice and language answers through \"values\". Remove it from \"sum\".",
  ],
  "missing-end.json": [
    "missing-end.json:6:102: error: $.questions[0].next[0].goto: goto \"screened\" is not a question or an end of this survey. Use a later question's id, \"end\", or an end defined in \"ends\" (to add one, write \"ends\": { \"screened\": { \"text\": \"...\" } }).",
  ],
  "reserved-skip-word.json": [
    "reserved-skip-word.json:5:3: error: $.skipWord: skipWord \"stop\" is a compliance keyword, which is read before any answer, so it could never skip a question. Choose another word, such as \"SKIP\" or \"PASS\".",
  ],
  "skip-word.json": [
    "skip-word.json:5:3: error: $.skipWord: skipWord \"PASS\" is also a keyword of this survey, which would confuse respondents. Choose another word, such as \"SKIP\".",
    "skip-word.json:7:92: error: $.questions[0].choices[1]: choice \"Pass\" of this optional question reads as the skipWord PASS, so replying it would skip the question instead of picking the choice. Reword the choice, or set another \"skipWord\".",
  ],
  "unknown-ids.json": [
    "unknown-ids.json:7:74: error: $.questions[1].showIf.answer: question \"colour\" is not in this survey. Did you mean \"color\"? Refer to one of \"color\".",
    "unknown-ids.json:8:66: error: $.questions[2].showIf.answer: question \"last\" ($.questions[3]) is not answered yet when the condition is read. Refer to an earlier question, or move this further down the survey.",
    "unknown-ids.json:9:74: error: $.questions[3].next[0].if.score: score \"totl\" is not defined in \"scores\". Did you mean \"total\"? Use one of \"total\", or define it in \"scores\".",
    "unknown-ids.json:9:103: error: $.questions[3].next[0].goto: goto \"q9\" is not a question or an end of this survey. Use a later question's id, \"end\", or an end defined in \"ends\" (to add one, write \"ends\": { \"q9\": { \"text\": \"...\" } }).",
    "unknown-ids.json:11:43: error: $.scores.total.sum[1]: question \"missing_question\" is not in this survey. Refer to one of \"color\", \"shade\", \"later\", \"last\".",
  ],
  "unreachable.json": [
    "unreachable.json:7:5: warning: $.questions[1]: question \"q2\" can never be reached: every way from the first question goes past it. Remove it, or point a \"goto\" at it, or remove the \"goto\" rules that jump over it.",
    "unreachable.json:8:37: warning: $.questions[2].text: optional question \"q3\" does not mention the skip word SKIP, so respondents may not know they can skip it. Add, for example, \"Reply SKIP to skip this question.\"",
    "unreachable.json:10:13: warning: $.ends.unused: end \"unused\" can never be reached, because no \"goto\" that the survey can get to names it. Add a rule with \"goto\": \"unused\", or remove the end.",
  ],
  "wrong-values.json": [
    "wrong-values.json:7:95: error: $.questions[1].next[0].if.equals: question \"again\" is a yesno question, whose answers are true (yes) or false (no), got \"yes\". Write true or false without quotes.",
    "wrong-values.json:8:93: error: $.questions[2].showIf.any[0].equals: \"Sometime\" is not a choice of question \"often\", so no answer could match it. Did you mean \"Sometimes\"? Use one of \"Never\", \"Sometimes\", \"Always\".",
    "wrong-values.json:8:138: error: $.questions[2].showIf.any[1].lt: \"lt\" compares numbers, but question \"often\" is a choice question, whose answers are not numbers. Use \"equals\" or \"in\" instead.",
    "wrong-values.json:10:42: error: $.scores.freq.sum[1]: question \"why\" is a text question, whose answers are text, not numbers, so it cannot be added up. A score adds up number, nps and rating answers, yesno answers (1 or 0), and choice and language answers through \"values\". Remove it from \"sum\".",
    "wrong-values.json:10:50: error: $.scores.freq.values: question \"often\" is a choice question, and its choices \"Sometimes\", \"Always\" have no number in \"values\", so the score could not count them. Add them to \"values\", for example \"values\": { \"Sometimes\": 0, \"Always\": 1 }.",
    "wrong-values.json:10:74: error: $.scores.freq.values.Somtimes: \"Somtimes\" in \"values\" is not a choice of the questions in \"sum\", so it never counts. Did you mean \"Sometimes\"? Write each choice's value (its label unless it sets \"value\") exactly, or \"yes\" and \"no\" for yes/no questions.",
  ],
};

describe('parley check on broken survey logic', () => {
  it.each(Object.entries(EXPECTED))('reports %s', async (file, expected) => {
    const { lines } = await checkBrokenFolder();
    expect(findingsOf(lines, file)).toEqual(expected);
  });

  it('exits with errors and counts them', async () => {
    const { exitCode, lines } = await checkBrokenFolder();
    expect(exitCode).toBe(CHECK_EXIT.errors);
    expect(lines.at(-1)).toBe('41 errors, 3 warnings in 11 files');
  });
});

describe('parley check messages of survey logic', () => {
  const SURVEY = {
    id: 'logic',
    title: 'Logic',
    keywords: ['LOGIC'],
    intro: 'Hi {{contact.first_name | "there"}}.',
    questions: [
      { id: 'welcome', type: 'message', text: 'Two questions.' },
      { id: 'age', type: 'number', text: 'Age?', next: [{ if: { answer: 'age', lt: 18 }, goto: 'minor' }] },
      { id: 'part2', type: 'message', text: 'Thanks, {{answers.age}}!', showIf: { answer: 'age', gte: 65 } },
      { id: 'city', type: 'text', text: 'City?' },
    ],
    ends: { minor: { text: 'Adults only, sorry.', screenOut: true } },
    end: 'Done.',
  };

  it('lists messages with what follows them', () => {
    const [report] = checkSurveySources([{ file: 'logic.json', source: JSON.stringify(SURVEY) }]);
    expect(report!.findings).toEqual([]);
    expect(report!.messages.map((message) => message.label)).toEqual([
      'intro + message "welcome" + question "age"',
      'question "age" asked again',
      'message "part2" + question "city"',
      'question "city"',
      'question "city" asked again',
      'end',
      'end "minor"',
      'moving on + message "part2" + question "city"',
      'moving on + question "city"',
      'moving on + end',
      'moving on + end "minor"',
    ]);
  });

  it('counts piped text as its fallback or 10 characters', () => {
    const [report] = checkSurveySources([{ file: 'logic.json', source: JSON.stringify(SURVEY) }]);
    const opening = report!.messages[0]!;
    expect(opening.characters).toBe([...'Hi there.\n\nTwo questions.\n\nAge?'].length);
    const part2 = report!.messages[2]!;
    expect(part2.characters).toBe([...'Thanks, xxxxxxxxxx!\n\nCity?'].length);
  });
});

describe('loader on impossible values and sums', () => {
  /** Loads a survey with the question `q` and a condition on it, and returns the problems, or [] when it loads. */
  function problemsOf(question: Record<string, unknown>, condition: Record<string, unknown>, scores?: Record<string, unknown>): string[] {
    const survey = {
      id: 'bounds',
      title: 'Bounds',
      keywords: ['BOUNDS'],
      questions: [{ id: 'q', text: 'Q?', ...question }, { id: 'after', type: 'text', text: 'After?', showIf: { answer: 'q', ...condition } }],
      ...(scores === undefined ? {} : { scores }),
      end: 'Done.',
    };
    try {
      parseSurveyFile('bounds.json', JSON.stringify(survey));
    } catch (error) {
      if (error instanceof SurveyError) return error.problems;
      throw error;
    }
    return [];
  }

  const RATING = { type: 'rating', min: 1, max: 5 };
  const AGE = { type: 'number', min: 0, max: 120 };
  const WHOLE = { type: 'number', min: 1, max: 10, integer: true };

  it.each([
    ['equals max of a rating', RATING, { equals: 5 }],
    ['in within a rating', RATING, { in: [1, 5] }],
    ['lte min', { type: 'number', min: 1 }, { lte: 1 }],
    ['gte max', AGE, { gte: 120 }],
    ['gt just under max', AGE, { gt: 119.5 }],
    ['a fraction without integer', AGE, { equals: 30.5 }],
    ['lt on an unbounded number', { type: 'number' }, { lt: -1000 }],
    ['gt just under a whole max', WHOLE, { gt: 9.5 }],
    ['nps equals 0', { type: 'nps' }, { equals: 0 }],
  ])('accepts %s', (_name, question, condition) => {
    expect(problemsOf(question, condition)).toEqual([]);
  });

  it.each([
    ['equals above a rating', RATING, { equals: 7 }, '.equals', 'no answer could be 7'],
    ['in below a rating', RATING, { in: [2, 0] }, '.in[1]', 'no answer could be 0'],
    ['a fraction of a rating', RATING, { equals: 2.5 }, '.equals', 'no answer could be 2.5'],
    ['nps above 10', { type: 'nps' }, { equals: 11 }, '.equals', 'whole numbers from 0 to 10'],
    ['lt min', { type: 'number', min: 1 }, { lt: 1 }, '.lt', '"lt": 1 can never hold'],
    ['lt 0 with min 0', AGE, { lt: 0 }, '.lt', 'Use a number above 0'],
    ['lte below min', AGE, { lte: -1 }, '.lte', 'Use 0 or more'],
    ['gt max', AGE, { gt: 200 }, '.gt', 'whose answers are numbers from 0 to 120'],
    ['gte above max', AGE, { gte: 121 }, '.gte', 'Use 120 or less'],
    ['gt above the last whole number', { type: 'number', max: 10.5, integer: true }, { gt: 10 }, '.gt', 'Use a number below 10'],
  ])('rejects %s', (_name, question, condition, pathEnd, fragment) => {
    const problems = problemsOf(question, condition);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`$.questions[1].showIf${pathEnd}`);
    expect(problems[0]).toContain(fragment);
  });

  it.each(['date', 'text', 'multi'])('rejects a %s question in a sum', (type) => {
    const question = type === 'multi' ? { type, choices: ['A', 'B'] } : { type };
    const problems = problemsOf(question, { answered: true }, { total: { sum: ['q'] } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('$.scores.total.sum[0]');
    expect(problems[0]).toContain(`is a ${type} question`);
    expect(problems[0]).toContain('A score adds up number, nps and rating answers');
  });

  it.each([
    ['number', { type: 'number' }, undefined],
    ['rating', RATING, undefined],
    ['nps', { type: 'nps' }, undefined],
    ['yesno', { type: 'yesno' }, undefined],
    ['choice', { type: 'choice', choices: ['A', 'B'] }, { A: 1, B: 2 }],
  ])('accepts a %s question in a sum', (_type, question, values) => {
    expect(problemsOf(question, { answered: true }, { total: { sum: ['q'], values } })).toEqual([]);
  });
});
