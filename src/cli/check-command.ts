import type { Dirent } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeCharacter } from '../sms/gsm-equivalents.ts';
import { fixQuotes as replaceQuotes } from '../surveys/fix-quotes.ts';
import { compareCodeUnits, isSurveyFileName } from '../surveys/survey-file-names.ts';
import { checkSurveySources, type SurveyFileReport, type SurveyFinding } from '../surveys/survey-check.ts';

export interface CheckOptions {
  /** Whether to replace curly quotes, long dashes, ellipses and non-breaking spaces in the files before checking them. */
  fixQuotes: boolean;
  /** Folder whose `*.json` files are checked when no files are named. */
  surveysDir: string;
  /** Receives each output line, without a line break. */
  out: (line: string) => void;
}

/** Exit codes of `parley check`. */
export const CHECK_EXIT = { ok: 0, errors: 1, usage: 2 } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Runs `parley check`: checks survey files as the server would load them, and also for
 * choices that read as compliance keywords and characters that force UCS-2 encoding.
 * Prints a table of each survey's messages and their SMS segments, one line per
 * finding (`file:line:column: error: ...`, as compilers do), and a summary line.
 *
 * Returns 0 when no file has errors (warnings allowed), 1 when any has, and 2 when a
 * named file or the survey folder cannot be found.
 *
 * @example
 * const exitCode = await runCheck([], { fixQuotes: false, surveysDir: 'surveys', out: console.log });
 */
export async function runCheck(files: string[], { fixQuotes, surveysDir, out }: CheckOptions): Promise<number> {
  const listed = files.length > 0 ? await findNamedFiles(files, surveysDir) : await listSurveyFiles(surveysDir);
  if ('usageErrors' in listed) {
    for (const message of listed.usageErrors) out(`parley check: ${message}`);
    return CHECK_EXIT.usage;
  }

  const sources: Array<{ file: string; source: string | Uint8Array }> = [];
  for (const file of listed.files) {
    const bytes = await readFile(file);
    sources.push({ file, source: fixQuotes ? await fixFile(file, bytes, out) : bytes });
  }

  // Named files are also checked against the other surveys in the folder, as the server
  // would check them. Those come first, so a conflict is reported on the named file.
  const context = files.length > 0 ? await otherSurveysIn(surveysDir, listed.files) : [];
  const reports = checkSurveySources([...context, ...sources]).slice(context.length);
  for (const report of reports) printMessageTable(report, out);

  const findings = reports.flatMap((report) => report.findings);
  for (const finding of findings) out(formatFinding(finding));

  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  out(`${count(errors, 'error')}, ${count(warnings, 'warning')} in ${count(reports.length, 'file')}`);
  return errors > 0 ? CHECK_EXIT.errors : CHECK_EXIT.ok;
}

type FileList = { files: string[] } | { usageErrors: string[] };

async function otherSurveysIn(surveysDir: string, named: string[]): Promise<Array<{ file: string; source: Uint8Array }>> {
  const listed = await listSurveyFiles(surveysDir);
  if ('usageErrors' in listed) return [];

  const namedPaths = new Set(named.map((file) => path.resolve(file)));
  const others = listed.files.filter((file) => !namedPaths.has(path.resolve(file)));
  return Promise.all(others.map(async (file) => ({ file, source: await readFile(file) })));
}

async function findNamedFiles(files: string[], surveysDir: string): Promise<FileList> {
  const usageErrors: string[] = [];

  for (const file of files) {
    const stats = await stat(file).catch(() => undefined);
    if (stats === undefined) {
      usageErrors.push(`file not found: ${file}. Check the path, or run parley check without files to check every survey in ${surveysDir}.`);
    } else if (!stats.isFile()) {
      usageErrors.push(
        `${file} is not a file. Name survey .json files, or check a whole folder with SURVEYS_DIR=${file} parley check (without files it checks ${surveysDir}).`,
      );
    }
  }
  return usageErrors.length > 0 ? { usageErrors } : { files };
}

async function listSurveyFiles(surveysDir: string): Promise<FileList> {
  let entries: Dirent[];
  try {
    entries = await readdir(surveysDir, { withFileTypes: true });
  } catch {
    return {
      usageErrors: [`survey directory ${surveysDir} was not found or cannot be read. Set SURVEYS_DIR to the folder of survey .json files, or name the files to check.`],
    };
  }

  // The server reads the same files: survey files directly in the folder.
  const names = entries
    .filter((entry) => !entry.isDirectory() && isSurveyFileName(entry.name))
    .map((entry) => entry.name)
    .sort(compareCodeUnits);
  return { files: names.map((name) => path.join(surveysDir, name)) };
}

/** Replaces typographic characters in one file, prints each replacement, and returns the file's new content. */
async function fixFile(file: string, bytes: Uint8Array, out: (line: string) => void): Promise<string | Uint8Array> {
  let source: string;
  try {
    source = utf8.decode(bytes);
  } catch {
    // The check reports the encoding problem.
    return bytes;
  }

  const { text, fixes } = replaceQuotes(source);
  if (fixes.length === 0) return source;

  await writeFile(file, text, 'utf8');
  for (const { line, column, character, replacement } of fixes) {
    out(`${file}:${line}:${column}: fixed: replaced ${describeCharacter(character)} with ${JSON.stringify(replacement)}`);
  }
  return text;
}

function printMessageTable({ file, surveyId, messages }: SurveyFileReport, out: (line: string) => void): void {
  if (surveyId === undefined) return;

  out(`${file} (survey "${surveyId}"): ${count(messages.length, 'message')} a respondent can receive`);
  out('  segments  encoding  characters  message');
  for (const { segments, encoding, characters, label } of messages) {
    out(`  ${String(segments).padStart(8)}  ${encoding.padEnd(8)}  ${String(characters).padStart(10)}  ${label}`);
  }
}

/** Formats a finding as `file:line:column: severity: path: message`, which editors and CI annotators can parse. */
export function formatFinding({ file, line, column, severity, path: jsonPath, message }: SurveyFinding): string {
  const where = line === undefined ? file : `${file}:${line}:${column ?? 1}`;
  return `${where}: ${severity}: ${jsonPath}: ${message}`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
