import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.ts';
import { ParleyError } from '../errors.ts';
import { openDatabase } from '../storage/database.ts';
import type { Database } from '../storage/tables.ts';

/**
 * Opens the database of a running or earlier server for a command that reads it.
 * Opening a missing file would create an empty database, and the command would then
 * report "nothing found" instead of the wrong DATABASE_URL.
 *
 * @throws ParleyError when the file does not exist.
 */
export function openExistingDatabase({ databaseUrl, sqliteSynchronous }: Pick<Config, 'databaseUrl' | 'sqliteSynchronous'>): Kysely<Database> {
  if (databaseUrl !== ':memory:' && !fs.existsSync(databaseUrl)) {
    throw new ParleyError(
      'DATABASE_NOT_FOUND',
      `Database file ${JSON.stringify(databaseUrl)} does not exist. Set DATABASE_URL to the file the Parley server uses.`,
    );
  }
  return openDatabase(databaseUrl, { synchronous: sqliteSynchronous });
}
