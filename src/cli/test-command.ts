import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { createEngineTexts, type EngineTexts } from '../engine/engine-texts.ts';
import { isParleyError } from '../errors.ts';
import { ConversationTestFileError, parseConversationTestFile, type ReplyExpectation } from '../surveys/conversation-test-file.ts';
import { runConversationTest, type ConversationTestResult } from '../surveys/conversation-test.ts';
import { SurveyCatalog } from '../surveys/survey-catalog.ts';
import { compareCodeUnits } from '../surveys/survey-file-names.ts';

export interface ConversationTestsOptions {
  /** Folder the surveys are loaded from. Its `tests` subfolder contains the test files that run when none are named. */
  surveysDir: string;
  /** Receives each output line, without a line break. */
  out: (line: string) => void;
  /** Program name in the engine's HELP, STOP and START replies, as the server's PROGRAM_NAME sets it. */
  programName?: string;
  /** Replaces the whole HELP reply, as the server's HELP_TEXT does. */
  helpText?: string | undefined;
}

/** Exit codes of `parley test`. */
export const TEST_EXIT = { ok: 0, failures: 1, usage: 2 } as const;

const TEST_FILE_PATTERN = /\.(ya?ml|json)$/i;

/**
 * Runs `parley test`: plays each conversation test file against the engine with the
 * surveys in `surveysDir`, each file on a fresh in-memory database. Prints
 * `PASS file (N steps)` or `FAIL file` per file, the failing step with the sent message
 * and the expected and actual replies, then `N passed, N failed`.
 *
 * Returns 0 when every test passes, 1 when any fails or is invalid, and 2 when no test
 * file is found or the survey folder cannot be read.
 *
 * @example
 * const exitCode = await runConversationTests([], { surveysDir: 'surveys', out: console.log });
 */
export async function runConversationTests(
  files: string[],
  { surveysDir, out, programName = 'Parley surveys', helpText }: ConversationTestsOptions,
): Promise<number> {
  const listed = files.length > 0 ? await findNamedFiles(files) : await listTestFiles(surveysDir);
  if ('usageErrors' in listed) {
    for (const message of listed.usageErrors) out(`parley test: ${message}`);
    return TEST_EXIT.usage;
  }

  const catalog = new SurveyCatalog({ dir: surveysDir, logger: pino({ level: 'silent' }) });
  try {
    const { rejected } = await catalog.load();
    for (const error of rejected) out(`warning: ${error.message.replaceAll('\n', '\n  ')}`);
  } catch (error) {
    if (!isParleyError(error)) throw error;
    out(`parley test: ${error.message}`);
    return TEST_EXIT.usage;
  }

  const texts = createEngineTexts({ programName, helpText });
  let passed = 0;
  for (const file of listed.files) {
    const result = await runTestFile(file, catalog, texts);
    printResult(file, result, out);
    if (result.passed) passed += 1;
  }

  const failed = listed.files.length - passed;
  out(`${passed} passed, ${failed} failed`);
  return failed > 0 ? TEST_EXIT.failures : TEST_EXIT.ok;
}

async function runTestFile(file: string, catalog: SurveyCatalog, texts: EngineTexts): Promise<ConversationTestResult> {
  try {
    const test = parseConversationTestFile(file, await readFile(file, 'utf8'));
    return await runConversationTest(test, { catalog, texts });
  } catch (error) {
    if (error instanceof ConversationTestFileError) return { passed: false, problem: error.problems.join('\n') };
    throw error;
  }
}

function printResult(file: string, result: ConversationTestResult, out: (line: string) => void): void {
  if (result.passed) {
    out(`PASS ${file} (${result.steps} ${result.steps === 1 ? 'step' : 'steps'})`);
    return;
  }

  out(`FAIL ${file}`);
  if ('problem' in result) {
    for (const line of result.problem.split('\n')) out(`  ${line}`);
    return;
  }

  const { step, sent, expected, actual } = result.failure;
  out(`  step ${step}: sent ${JSON.stringify(sent)}`);
  out(`  expected ${describeExpectation(expected)}`);
  if (!('none' in expected)) out(indent(expectedText(expected)));
  if (actual === null || actual === '') {
    out('  actual: no reply');
  } else {
    out('  actual:');
    out(indent(actual));
  }
}

function describeExpectation(expected: ReplyExpectation): string {
  if ('none' in expected) return 'no reply';
  if ('exact' in expected) return 'exactly:';
  if ('contains' in expected) return 'a reply containing:';
  return 'a reply matching:';
}

function expectedText(expected: Exclude<ReplyExpectation, { none: true }>): string {
  if ('exact' in expected) return expected.exact;
  if ('contains' in expected) return expected.contains;
  return `/${expected.matches.source}/`;
}

// Four spaces set reply lines apart from the two-space report lines. Blank lines stay empty.
function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : `    ${line}`))
    .join('\n');
}

type FileList = { files: string[] } | { usageErrors: string[] };

async function findNamedFiles(files: string[]): Promise<FileList> {
  const usageErrors: string[] = [];

  for (const file of files) {
    const stats = await stat(file).catch(() => undefined);
    if (stats === undefined) {
      usageErrors.push(`file not found: ${file}. Check the path, or run parley test without files to run every test in the surveys folder's tests/.`);
    } else if (!stats.isFile()) {
      usageErrors.push(`${file} is not a file. Name test files (.yaml, .yml or .json), or run parley test without files.`);
    }
  }
  return usageErrors.length > 0 ? { usageErrors } : { files };
}

async function listTestFiles(surveysDir: string): Promise<FileList> {
  const testsDir = path.join(surveysDir, 'tests');
  let entries: Dirent[];
  try {
    entries = await readdir(testsDir, { withFileTypes: true });
  } catch {
    entries = [];
  }

  const names = entries
    .filter((entry) => entry.isFile() && TEST_FILE_PATTERN.test(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort(compareCodeUnits);
  if (names.length === 0) {
    return {
      usageErrors: [`no test files found in ${testsDir}. Add *.yaml, *.yml or *.json conversation tests there (see docs/surveys.md), or name the test files.`],
    };
  }
  return { files: names.map((name) => path.join(testsDir, name)) };
}

