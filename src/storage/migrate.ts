import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { ParleyError } from '../errors.ts';
import type { Database } from './tables.ts';
import * as initial from './migrations/0001-initial.ts';
import * as sessionExpiryIndex from './migrations/0002-session-expiry-index.ts';
import * as distributions from './migrations/0003-distributions.ts';
import * as surveyLogic from './migrations/0004-survey-logic.ts';
import * as sessionLanguage from './migrations/0005-session-language.ts';

/**
 * Lists migrations by import rather than by reading the folder, so they run the
 * same under tsx, vitest and a bundler. Names sort in the order they must run.
 */
const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial': initial,
      '0002-session-expiry-index': sessionExpiryIndex,
      '0003-distributions': distributions,
      '0004-survey-logic': surveyLogic,
      '0005-session-language': sessionLanguage,
    };
  },
};

/**
 * Brings the schema up to date.
 *
 * @returns the names of the migrations applied in this run.
 * @throws ParleyError naming the failed migration; the database is left at the last good one.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();

  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined) {
    throw new ParleyError(
      'MIGRATION_FAILED',
      `Database migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}. The database was left at the previous migration; fix the cause and restart.`,
      { cause: error },
    );
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
