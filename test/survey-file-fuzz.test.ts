import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurveyError } from '../src/errors.ts';
import { parseSurveyFile, type SurveyVersion } from '../src/surveys/survey-file.ts';
import { REPO_SURVEYS_DIR } from './support/harness.ts';
import { byTestScale } from './support/test-scale.ts';

// Property-based tests of parseSurveyFile: for any text it returns a SurveyVersion or
// throws a SurveyError whose problems are non-empty strings, and it agrees with JSON.parse
// on which texts are JSON. fast-check prints the seed and the shrunk input on failure.

const FILE = 'surveys/fuzz.json';
// Full sizes run every property ten times as often.
const RUN_FACTOR = byTestScale({ reduced: 1, full: 10 });
const PROPERTY_TIMEOUT_MS = 60_000 * RUN_FACTOR;
// Generated inputs parse in about a millisecond or less, so a parse this slow is runaway work.
const MAX_PARSE_MS = 500;
// parseSurveyFile rejects JSON nested deeper than this, although JSON.parse accepts it.
const MAX_JSON_DEPTH = 100;
const LINE_BREAK = /\r\n|\r|\n/;

type Outcome = { accepted: true } | { accepted: false; problems: string[] };

/** Parses `source` and checks the contract that holds for every input. */
function parseChecked(source: string): Outcome {
  const started = performance.now();
  let version: SurveyVersion | undefined;
  let thrown: unknown;
  try {
    version = parseSurveyFile(FILE, source);
  } catch (error) {
    thrown = error;
  }
  expect(performance.now() - started).toBeLessThan(MAX_PARSE_MS);

  if (version !== undefined) {
    expect(version.file).toBe(FILE);
    expect(version.source).toBe(source);
    expect(version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(version.survey.expiresAfterMs).toBeGreaterThan(0);
    for (const keyword of version.survey.keywords) expect(keyword).toBe(keyword.toUpperCase());
    for (const question of version.survey.questions) expect(Number.isInteger(question.maxRetries)).toBe(true);
    return { accepted: true };
  }

  expect(thrown).toBeInstanceOf(SurveyError);
  const { file, problems } = thrown as SurveyError;
  expect(file).toBe(FILE);
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(typeof problem).toBe('string');
    expect(problem.trim()).not.toBe('');
  }
  return { accepted: false, problems };
}

/** Checks that every "line L, column C" in the problems points inside the text (a BOM is not counted). */
function expectPositionsInside(source: string, problems: string[]): void {
  const lines = source.replace(/^\uFEFF/, '').split(LINE_BREAK);
  for (const problem of problems) {
    for (const [, line, column] of problem.matchAll(/line (\d+), column (\d+)/g)) {
      const lineText = lines[Number(line) - 1];
      expect(lineText, `line ${line} in ${JSON.stringify(problem)}`).toBeDefined();
      expect(Number(column)).toBeGreaterThanOrEqual(1);
      expect(Number(column)).toBeLessThanOrEqual(lineText!.length + 1);
    }
  }
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Object.values(value);
  return 1 + (children.length === 0 ? 0 : Math.max(...children.map(depthOf)));
}

/** Checks that the survey file parser and JSON.parse agree on whether the text is JSON. */
function expectSameJsonVerdict(source: string, outcome: Outcome): void {
  const text = source.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    expect(outcome.accepted).toBe(false);
    if (!outcome.accepted) {
      expect(outcome.problems).toHaveLength(1);
      expect(outcome.problems[0]).toMatch(/^line \d+, column \d+: invalid JSON: /);
    }
    return;
  }
  if (outcome.accepted || depthOf(parsed) > MAX_JSON_DEPTH) return;
  for (const problem of outcome.problems) expect(problem).not.toMatch(/^line \d+, column \d+: invalid JSON: /);
}

function checkAnyText(source: string): Outcome {
  const outcome = parseChecked(source);
  expectSameJsonVerdict(source, outcome);
  if (!outcome.accepted) expectPositionsInside(source, outcome.problems);
  return outcome;
}

// ---------------------------------------------------------------------------
// Generators

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const textUnit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\t', '\n', '\r', '\u2028', '\uFEFF', '\uFFFF', '"', '\\', '{', '}', '[', ']') },
);
const anyText = fc.string({ unit: textUnit, maxLength: 200, size: 'medium' });

/** Fragments of JSON and of its common mistakes, joined at random. */
const jsonToken = fc.constantFrom(
  '{', '}', '[', ']', ':', ',', ' ', '\n', '\r', '\r\n', '\t', '"', '\\', '/', '//', '/*', "'",
  '"id"', '"title"', '"keywords"', '"questions"', '"type"', '"choices"', '"a"', '"\\u00e9"', '"\\uD800"', '"\\x"', '"\n"',
  '0', '1', '-', '-0', '02', '1.', '.5', '1e3', '1e400', 'e', 'true', 'false', 'null', 'yes', 'NaN', 'Infinity', 'id',
  '\uFEFF', '\u00A0', '\u2028', '\u0000', '😀',
);
const tokenSoup = fc.array(jsonToken, { maxLength: 60, size: 'medium' }).map((tokens) => tokens.join(''));

/** Layouts a survey author might save: compact, indented or tab-indented, LF or CRLF, with or without a BOM. */
const layout = fc.record({
  indent: fc.constantFrom(0, 2, '\t'),
  crlf: fc.boolean(),
  bom: fc.boolean(),
});
type Layout = { indent: number | string; crlf: boolean; bom: boolean };

function serialize(value: unknown, { indent, crlf, bom }: Layout): string {
  let text = JSON.stringify(value, null, indent);
  if (crlf) text = text.replace(/\n/g, '\r\n');
  return bom ? `\uFEFF${text}` : text;
}

function readRepoSurvey(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(REPO_SURVEYS_DIR, file), 'utf8'));
}

/** Valid surveys that together use every property and question type. */
const VALID_SURVEYS: unknown[] = [
  readRepoSurvey('customer-nps.json'),
  readRepoSurvey('event-feedback.json'),
  readRepoSurvey('phq-2.json'),
  {
    id: 'all-fields',
    title: 'Every field',
    keywords: ['ALL', 'every1'],
    intro: 'Hi.',
    questions: [
      { id: 'score', type: 'nps', text: 'Score?', maxRetries: 0 },
      { id: 'age', type: 'number', text: 'Age?', min: 0, max: 120, integer: true },
      { id: 'ok', type: 'yesno', text: 'OK?' },
      { id: 'pick', type: 'choice', text: 'Pick one', choices: ['Red', 'Green', 'Blue'], maxRetries: 10 },
      { id: 'why', type: 'text', text: 'Why?' },
    ],
    end: 'Bye.',
    maxRetries: 3,
    expiresAfter: '90m',
  },
];

// Marks a key to be written a second time. restoreDuplicateKeys removes the marker after serialization.
const DUPLICATE_KEY_MARKER = '\u0000duplicate';

/** Values of other JSON types, and strings that break the survey's own rules. */
const replacementValue = fc.oneof(
  fc.constantFrom(null, 0, -1, 1.5, 11, 1e308, '', ' ', 'x', 'STOP', '0d', '3 days', true, [], {}, [1], { a: 1 }, ['x'], 'Ａ', 'a b'),
  fc.jsonValue({ maxDepth: 2 }),
  anyText,
);

type Mutation =
  | { kind: 'drop'; pick: number }
  | { kind: 'duplicate item'; pick: number }
  | { kind: 'duplicate key'; pick: number; value: unknown }
  | { kind: 'retype'; pick: number; value: unknown }
  | { kind: 'rename'; pick: number; suffix: string };

const mutationOf: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate item' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate key' as const), pick: fc.nat(), value: fc.oneof(fc.constant('same'), replacementValue) }),
  fc.record({ kind: fc.constant('retype' as const), pick: fc.nat(), value: replacementValue }),
  fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), suffix: fc.constantFrom('s', 'X', '_', ' ', '\u00E9', '') }),
);

type Container = Record<string, unknown> | unknown[];
type Slot = { parent: Container; key: string | number };

/** Lists every property and array item in the tree, parents before children. */
function slotsOf(value: unknown): Slot[] {
  const slots: Slot[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        slots.push({ parent: node, key: index });
        visit(item);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        slots.push({ parent: node as Record<string, unknown>, key });
        visit(item);
      }
    }
  };
  visit(value);
  return slots;
}

function applyMutation(root: unknown, original: Mutation): void {
  // fast-check hands out the same instance of a constant such as {} every time, so
  // inserting it twice without a copy could make the tree contain itself.
  const mutation = structuredClone(original);
  const slots = slotsOf(root);
  if (slots.length === 0) return;
  const { parent, key } = slots[mutation.pick % slots.length]!;
  const record = parent as Record<string, unknown>;

  switch (mutation.kind) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete record[key];
      return;
    case 'duplicate item':
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]));
      return;
    case 'duplicate key':
      if (!Array.isArray(parent)) record[`${key}${DUPLICATE_KEY_MARKER}`] = mutation.value === 'same' ? structuredClone(record[key]) : mutation.value;
      return;
    case 'retype':
      if (Array.isArray(parent)) parent[key as number] = mutation.value;
      else record[key] = mutation.value;
      return;
    case 'rename':
      if (!Array.isArray(parent)) {
        const value = record[key];
        delete record[key];
        record[`${key as string}${mutation.suffix}`] = value;
      }
      return;
  }
}

/** Writes a marked key as a second copy of the original key, which JSON.stringify cannot do. */
function restoreDuplicateKeys(text: string): string {
  const marker = JSON.stringify(DUPLICATE_KEY_MARKER).slice(1, -1);
  return text.split(`${marker}"`).join('"');
}

const mutatedSurvey = fc
  .record({
    base: fc.nat({ max: VALID_SURVEYS.length - 1 }),
    mutations: fc.array(mutationOf, { minLength: 0, maxLength: 4 }),
    layout,
  })
  .map(({ base, mutations, layout: chosenLayout }) => {
    const survey = structuredClone(VALID_SURVEYS[base]);
    for (const mutation of mutations) applyMutation(survey, mutation);
    return { mutations: mutations.length, source: restoreDuplicateKeys(serialize(survey, chosenLayout)) };
  });

// ---------------------------------------------------------------------------

describe('parseSurveyFile with generated input', () => {
  // Only the full size needs more than Vitest's default timeout of 5 seconds.
  it('accepts valid surveys in any layout', () => {
    fc.assert(
      fc.property(fc.nat({ max: VALID_SURVEYS.length - 1 }), layout, (base, chosenLayout) => {
        expect(checkAnyText(serialize(VALID_SURVEYS[base], chosenLayout))).toEqual({ accepted: true });
      }),
      { numRuns: 50 * RUN_FACTOR },
    );
  }, byTestScale({ reduced: undefined, full: PROPERTY_TIMEOUT_MS }));

  it('throws only SurveyError for any string', () => {
    fc.assert(
      fc.property(anyText, (source) => {
        checkAnyText(source);
      }),
      { numRuns: 1_500 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('agrees with JSON.parse on token soup', () => {
    fc.assert(
      fc.property(tokenSoup, (source) => {
        checkAnyText(source);
      }),
      { numRuns: 2_000 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('throws only SurveyError for JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), layout, (value, chosenLayout) => {
        checkAnyText(serialize(value, chosenLayout));
      }),
      { numRuns: 1_500 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('throws only SurveyError for mutated surveys', () => {
    fc.assert(
      fc.property(mutatedSurvey, ({ mutations, source }) => {
        const outcome = checkAnyText(source);
        if (mutations === 0) expect(outcome).toEqual({ accepted: true });
      }),
      { numRuns: 3_000 * RUN_FACTOR },
    );
  }, PROPERTY_TIMEOUT_MS);
});

describe('parseSurveyFile reproductions', () => {
  const survey = VALID_SURVEYS[3] as Record<string, unknown>;

  it.each([
    ['keywords', { ...survey, keywords: {} }],
    ['questions', { ...survey, questions: {} }],
    ['choices', { ...survey, questions: [{ id: 'c', type: 'choice', text: 'Pick', choices: {} }] }],
  ])('rejects an object as %s', (_field, invalidSurvey) => {
    expect(() => parseSurveyFile(FILE, JSON.stringify(invalidSurvey))).toThrow(SurveyError);
  });

  it('rejects a long invalid question id within a second', () => {
    const source = JSON.stringify({ ...survey, questions: [{ id: `a${'_'.repeat(50_000)}a!`, type: 'text', text: 'Why?' }] });

    const started = performance.now();
    expect(() => parseSurveyFile(FILE, source)).toThrow(SurveyError);
    expect(performance.now() - started).toBeLessThan(1_000);
  }, 30_000);
});
