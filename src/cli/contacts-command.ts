import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { type ContactCsvProblem, type ParsedContactCsv, parseContactCsv, parseRegion } from '../contacts/contact-csv.ts';
import { type ImportContactsResult, importContacts } from '../contacts/contact-store.ts';
import { ParleyError } from '../errors.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import type { Database } from '../storage/tables.ts';

/** Options of `parley contacts import`, as the command line gives them. */
export interface ContactsImportOptions {
  /** Name of the list that receives the contacts. Undefined means the file name without its extension. */
  list?: string | undefined;
  /** ISO 3166-1 alpha-2 country of numbers written without +. */
  defaultRegion?: string | undefined;
}

/** A contact file, read and validated, and the list it goes into, before anything is stored. */
export interface ContactImportPlan {
  file: string;
  listName: string;
  parsed: ParsedContactCsv;
}

/**
 * Checks the options, reads the file and validates its rows.
 *
 * @throws ParleyError for an invalid option, or a file that is missing or unusable as
 * a whole (see {@link parseContactCsv}). Invalid rows are not errors: they are in
 * `parsed.problems`.
 */
export function planContactImport(file: string, { list, defaultRegion }: ContactsImportOptions = {}): ContactImportPlan {
  const region = defaultRegion === undefined ? undefined : parseRegion(defaultRegion);
  const listName = (list ?? path.basename(file, path.extname(file))).trim();
  if (listName === '') {
    throw new ParleyError('INVALID_OPTION', `--list ${JSON.stringify(list ?? '')} is empty. Give the list a name, such as --list customers.`);
  }

  const parsed = parseContactCsv(readContactFile(file), { fileName: file, defaultRegion: region });
  return { file, listName, parsed };
}

/** Stores the valid contacts of a plan in its list. */
export async function applyContactImport(plan: ContactImportPlan, { db, now }: { db: Kysely<Database>; now: Date }): Promise<ImportContactsResult> {
  return importContacts(db, plan.parsed.contacts, { listName: plan.listName, now });
}

/**
 * Writes the import's summary and then its problems, one per line, in file order:
 * `line N: reason` for a skipped row and `line N: warning: reason` for an imported one.
 */
export function formatImportReport({ file, listName, parsed }: ContactImportPlan, result: ImportContactsResult): string[] {
  const { skippedRows, problems } = parsed;
  const lines = [
    `Imported ${file} into list ${JSON.stringify(listName)}:`,
    `  new:       ${result.created}`,
    `  updated:   ${result.updated}`,
    `  unchanged: ${result.unchanged}`,
    `  skipped:   ${skippedRows} ${skippedRows === 1 ? 'row' : 'rows'}`,
    `The list has ${result.listMembers} ${result.listMembers === 1 ? 'contact' : 'contacts'}.`,
  ];

  if (problems.length > 0) {
    lines.push('');
    const byLine = [...problems].sort((first, second) => first.line - second.line);
    lines.push(...byLine.map(formatProblem));
  }
  if (skippedRows > 0) {
    lines.push(
      '',
      `${skippedRows} ${skippedRows === 1 ? 'row was' : 'rows were'} skipped. Fix ${skippedRows === 1 ? 'it' : 'them'} and import the file again: contacts already imported are updated, not duplicated.`,
    );
  }
  return lines;
}

function formatProblem({ line, severity, message }: ContactCsvProblem): string {
  return severity === 'warning' ? `line ${line}: warning: ${message}` : `line ${line}: ${message}`;
}

/**
 * Runs `parley contacts import` on the database that DATABASE_URL names, creating it
 * when missing. The file is read and checked before the database is opened.
 *
 * @returns the exit code: 1 when a row was skipped, although the valid rows were
 * imported, and 0 otherwise.
 */
export async function runContactsImportCommand(
  file: string,
  options: ContactsImportOptions,
  { env = process.env, out = (line: string) => console.log(line) }: { env?: Record<string, string | undefined>; out?: (line: string) => void } = {},
): Promise<number> {
  const config = loadConfig(env);
  const plan = planContactImport(file, options);

  const db = openDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(db);
    const result = await applyContactImport(plan, { db, now: new Date() });
    for (const line of formatImportReport(plan, result)) out(line);
  } finally {
    await db.destroy();
  }
  return plan.parsed.skippedRows > 0 ? 1 : 0;
}

function readContactFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const where = path.isAbsolute(file) ? '' : `, which is relative to ${process.cwd()}`;
      throw new ParleyError('FILE_NOT_FOUND', `Contact file ${JSON.stringify(file)} does not exist. Check the path${where}.`);
    }
    if (code === 'EISDIR') {
      throw new ParleyError('FILE_NOT_FOUND', `${JSON.stringify(file)} is a folder. Give the path of a .csv file.`);
    }
    throw new ParleyError('FILE_NOT_READABLE', `Cannot read ${JSON.stringify(file)}: ${(error as Error).message}. Check the file's permissions.`, {
      cause: error,
    });
  }
}
