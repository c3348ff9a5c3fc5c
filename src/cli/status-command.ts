import type { Kysely } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { ParleyError } from '../errors.ts';
import { listDistributions, loadDistributionReport } from '../storage/distribution-report.ts';
import type { Database } from '../storage/tables.ts';
import { openExistingDatabase } from './existing-database.ts';
import { type CostEstimate, formatDistributionList, formatDistributionReport } from './status-text.ts';

/** Options as the command line gives them, before validation. */
export interface StatusOptions {
  /** Distribution id; undefined lists every distribution. */
  distribution?: string | undefined;
  /** Whether to print JSON instead of text. */
  json?: boolean | undefined;
  /** Price of one SMS segment, in the configured currency; overrides PRICE_PER_SEGMENT. */
  price?: string | undefined;
}

export interface StatusDependencies {
  db: Kysely<Database>;
  /** Price of one SMS segment, used unless `--price` is given. */
  pricePerSegment: number;
  priceCurrency: string;
  /** Receives the output, one or more lines at a time. */
  out: (text: string) => void;
}

interface ValidatedStatusOptions {
  id: number | undefined;
  json: boolean;
  price: number | undefined;
}

const HOW_TO_LIST = 'Run "parley status" without an id to list the distributions.';

/**
 * Prints one distribution's report, or the list of distributions when no id is given,
 * as text or JSON.
 *
 * @example
 * await runStatus({ distribution: '3', json: true }, { db, pricePerSegment: 0.0083, priceCurrency: 'USD', out: console.log });
 * @throws ParleyError `INVALID_OPTION` listing every invalid option, or
 * `DISTRIBUTION_NOT_FOUND` when no distribution has the id. Nothing is printed in either case.
 */
export async function runStatus(options: StatusOptions, { db, pricePerSegment, priceCurrency, out }: StatusDependencies): Promise<void> {
  const { id, json, price = pricePerSegment } = validateStatusOptions(options);

  if (id === undefined) {
    const summaries = await listDistributions(db);
    out(json ? JSON.stringify(summaries, null, 2) : formatDistributionList(summaries).join('\n'));
    return;
  }

  const report = await loadDistributionReport(db, id);
  if (report === undefined) {
    throw new ParleyError('DISTRIBUTION_NOT_FOUND', `Distribution ${id} not found. ${HOW_TO_LIST}`);
  }

  const cost = estimateCost(report.segmentsSent, price, priceCurrency);
  out(json ? JSON.stringify({ ...report, estimatedCost: cost }, null, 2) : formatDistributionReport(report, cost).join('\n'));
}

/**
 * Runs `parley status` on the database that DATABASE_URL names. Like `parley export`,
 * it needs no Twilio settings, but every variable that is set must be valid.
 */
export async function runStatusCommand(options: StatusOptions, env: Record<string, string | undefined> = process.env): Promise<void> {
  validateStatusOptions(options);

  const config = loadConfig(env);
  const db = openExistingDatabase(config);

  try {
    await runStatus(options, {
      db,
      pricePerSegment: config.pricePerSegment,
      priceCurrency: config.priceCurrency,
      out: (text) => console.log(text),
    });
  } catch (error) {
    // The server adds the distribution tables when it starts, so a database it has not
    // opened since the upgrade lacks them. The message is SQLite's.
    if (error instanceof Error && /no such table/.test(error.message)) {
      throw new ParleyError(
        'DATABASE_OUTDATED',
        `Database file ${JSON.stringify(config.databaseUrl)} has no distribution tables (${error.message}). Start the server once with "parley serve" to update it.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await db.destroy();
  }
}

/** Returns the estimated price of `segments`, rounded to millionths to drop floating-point noise. */
function estimateCost(segments: number, pricePerSegment: number, currency: string): CostEstimate {
  const amount = Math.round(segments * pricePerSegment * 1e6) / 1e6;
  return { segments, pricePerSegment, currency, amount };
}

/**
 * Checks every option and converts it to its typed form.
 *
 * @throws ParleyError `INVALID_OPTION` with one line per invalid option.
 */
function validateStatusOptions({ distribution, json = false, price }: StatusOptions): ValidatedStatusOptions {
  const problems: string[] = [];

  let id: number | undefined;
  if (distribution !== undefined) {
    id = Number(distribution);
    if (!/^\d+$/.test(distribution) || !Number.isSafeInteger(id)) {
      problems.push(`Distribution id ${JSON.stringify(distribution)} is not a whole number. ${HOW_TO_LIST}`);
    }
  }

  let pricePerSegment: number | undefined;
  if (price !== undefined) {
    pricePerSegment = Number(price);
    if (!/^\d+(\.\d+)?$/.test(price)) {
      problems.push(`--price ${JSON.stringify(price)} is invalid: expected the price of one SMS segment, such as 0.0083, in PRICE_CURRENCY.`);
    }
  }

  if (problems.length > 0) {
    throw new ParleyError('INVALID_OPTION', problems.join('\n'));
  }
  return { id, json, price: pricePerSegment };
}
