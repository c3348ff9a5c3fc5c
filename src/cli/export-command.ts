import { once } from 'node:events';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { ParleyError } from '../errors.ts';
import {
  MIN_HASH_SALT_LENGTH,
  RESPONSE_STATUSES,
  type ResponseFilter,
  type ResponseStatus,
  hashRespondent,
  planResponseExport,
  streamResponses,
} from '../storage/response-export.ts';
import type { Database } from '../storage/tables.ts';
import { openExistingDatabase } from './existing-database.ts';
import { EXPORT_FORMATS, type ExportFormat, writeResponses } from './export-writers.ts';

/** The environment variable that contains the salt for `--hash-phones`. */
export const HASH_SALT_VARIABLE = 'EXPORT_HASH_SALT';

/** Options as the command line gives them, before validation. */
export interface ExportOptions {
  /** Survey id. */
  survey: string;
  /** `csv` (the default), `json` or `ndjson`. */
  format?: string | undefined;
  /** An ISO 8601 date or date-time. Only responses started at or after it are exported. */
  since?: string | undefined;
  /** Comma-separated response statuses. Only responses with one of them are exported. */
  status?: string | undefined;
  /** Whether each phone number is replaced with a salted hash. */
  hashPhones?: boolean | undefined;
  /** Salt for `hashPhones`, which the command reads from EXPORT_HASH_SALT. */
  hashSalt?: string | undefined;
}

export interface ExportDependencies {
  db: Kysely<Database>;
  /** Stream that receives the export. It is left open when the export ends. */
  out: NodeJS.WritableStream;
}

interface ValidatedExportOptions {
  filter: ResponseFilter;
  format: ExportFormat;
  hashSalt: string | undefined;
}

/**
 * Writes one row per response (session) of a survey to `out`, streaming, so the
 * number of responses does not change the memory used. Partial, expired and
 * opted-out responses are included and marked in the `status` column.
 *
 * @example
 * const { rows } = await runExport({ survey: 'customer-nps', format: 'ndjson' }, { db, out: process.stdout });
 * @throws ParleyError `INVALID_OPTION` listing every invalid option, or `SURVEY_NOT_FOUND`
 * listing the surveys that have responses. Nothing is written in either case.
 */
export async function runExport(options: ExportOptions, { db, out }: ExportDependencies): Promise<{ rows: number }> {
  const { filter, format, hashSalt } = validateExportOptions(options);

  const plan = await planResponseExport(db, filter);
  const formatRespondent = hashSalt === undefined ? undefined : (respondent: string) => hashRespondent(respondent, hashSalt);
  const responses = streamResponses(db, filter, plan, { formatRespondent });

  const rows = await writeResponses(responses, { format, columns: plan.columns, out });
  return { rows };
}

/** Options of `parley export`: {@link ExportOptions} without the salt, plus the output file. */
export interface ExportCommandOptions extends Omit<ExportOptions, 'hashSalt'> {
  /** File to write; standard output when undefined. */
  out?: string | undefined;
}

/**
 * Runs `parley export` on the database that DATABASE_URL names. The salt for
 * `--hash-phones` comes from EXPORT_HASH_SALT rather than an option, because an
 * option's value shows in the process list and the shell history. An output file is
 * deleted again if the export fails, so a truncated file is never left behind.
 */
export async function runExportCommand(options: ExportCommandOptions, env: Record<string, string | undefined> = process.env): Promise<void> {
  const exportOptions: ExportOptions = { ...options, hashSalt: env[HASH_SALT_VARIABLE] };
  validateExportOptions(exportOptions);

  const config = loadConfig(env);
  const db = openExistingDatabase(config);

  try {
    if (options.out === undefined) {
      await runExport(exportOptions, { db, out: process.stdout });
      return;
    }

    const file = fs.createWriteStream(options.out);
    try {
      await once(file, 'open');
    } catch (error) {
      throw new ParleyError(
        'OUTPUT_NOT_WRITABLE',
        `Cannot write ${JSON.stringify(options.out)}: ${(error as Error).message}. Check that the folder exists and is writable.`,
        { cause: error },
      );
    }
    try {
      const { rows } = await runExport(exportOptions, { db, out: file });
      file.end();
      await finished(file);
      console.error(`Exported ${rows} responses to ${options.out}.`);
    } catch (error) {
      file.destroy();
      await once(file, 'close');
      fs.rmSync(options.out, { force: true });
      throw error;
    }
  } finally {
    await db.destroy();
  }
}

/**
 * Checks every option and converts it to its typed form.
 *
 * @throws ParleyError `INVALID_OPTION` with one line per invalid option.
 */
function validateExportOptions({ survey, format = 'csv', since, status, hashPhones = false, hashSalt }: ExportOptions): ValidatedExportOptions {
  const problems: string[] = [];

  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    problems.push(`--format ${JSON.stringify(format)} is not supported. Use one of ${EXPORT_FORMATS.join(', ')}.`);
  }

  let statuses: ResponseStatus[] | undefined;
  if (status !== undefined) {
    statuses = [];
    for (const item of status.split(',').map((part) => part.trim())) {
      if ((RESPONSE_STATUSES as readonly string[]).includes(item)) {
        statuses.push(item as ResponseStatus);
      } else {
        problems.push(
          `--status ${JSON.stringify(item)} is not a response status. Use one or more of ${RESPONSE_STATUSES.join(', ')}, separated by commas.`,
        );
      }
    }
  }

  let sinceDate: Date | undefined;
  if (since !== undefined) {
    sinceDate = parseIsoDate(since);
    if (sinceDate === undefined) {
      problems.push(
        `--since ${JSON.stringify(since)} is not an ISO 8601 date or date-time. Write it like 2026-12-01 or 2026-12-01T09:30:00Z (a time without an offset is read as UTC).`,
      );
    }
  }

  if (hashPhones && hashSalt === undefined) {
    problems.push(
      `--hash-phones requires a secret salt in the ${HASH_SALT_VARIABLE} environment variable. ` +
        'An unsalted hash of a phone number is reversible: there are few enough numbers (about 10^10 in North America) to hash them all and look each hash up. ' +
        `Set ${HASH_SALT_VARIABLE} to a random secret of at least ${MIN_HASH_SALT_LENGTH} characters, such as the output of "openssl rand -hex 32", and reuse it to link respondents across exports.`,
    );
  } else if (hashPhones && hashSalt !== undefined && hashSalt.length < MIN_HASH_SALT_LENGTH) {
    problems.push(
      `${HASH_SALT_VARIABLE} is ${hashSalt.length} characters long, but --hash-phones requires at least ${MIN_HASH_SALT_LENGTH}, because a short salt can be found by trying candidates. ` +
        'Use a random secret such as the output of "openssl rand -hex 32".',
    );
  }

  if (problems.length > 0) {
    throw new ParleyError('INVALID_OPTION', problems.join('\n'));
  }
  return {
    filter: { surveyId: survey, statuses, since: sinceDate },
    format: format as ExportFormat,
    hashSalt: hashPhones ? hashSalt : undefined,
  };
}

const ISO_DATE_PATTERN = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`, reading a time without an offset as UTC. */
function parseIsoDate(text: string): Date | undefined {
  const match = ISO_DATE_PATTERN.exec(text);
  if (match === null) return undefined;

  // Date accepts days past the month's end, such as 2026-02-30 for 2 March, so the day must survive a round trip.
  const day = new Date(`${match[1]}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== match[1]) return undefined;

  // Date reads a date alone as UTC but a date-time without an offset as local time.
  const isLocalTime = text.includes('T') && match[2] === undefined;
  const date = new Date(isLocalTime ? `${text}Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
