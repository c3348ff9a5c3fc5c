import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { Database } from './tables.ts';

/**
 * Starts write transactions with BEGIN IMMEDIATE. A plain BEGIN takes the write lock
 * only at the first write, and SQLite then fails with SQLITE_BUSY mid-transaction if
 * another process (a CLI command, say) holds it; IMMEDIATE waits up to busy_timeout
 * before the transaction does anything.
 */
class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ParleySqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateTransactionSqliteDriver(this.#config);
  }
}

/** Prepared statements kept per database; Parley's queries come in a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Gives Kysely a database whose `prepare` reuses statements. Kysely prepares every
 * query anew, and on the webhook path preparing cost about as much as running.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          // Maps iterate in insertion order, so this evicts the oldest entry.
          statements.delete(statements.keys().next().value!);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

export interface OpenDatabaseOptions {
  /** `synchronous` pragma: FULL survives power loss; NORMAL survives a process crash only. */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * Opens the SQLite database at `url` (a file path, or `:memory:`), creating its folder.
 * WAL lets readers run beside the writer, and FULL sync makes an answer that was
 * acknowledged to Twilio survive a power loss.
 */
export function openDatabase(url: string, { synchronous = 'FULL' }: OpenDatabaseOptions = {}): Kysely<Database> {
  if (url !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  }

  const sqlite = new SqliteDatabase(url);
  if (url !== ':memory:') {
    sqlite.pragma('journal_mode = WAL');
  }
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');

  return new Kysely<Database>({ dialect: new ParleySqliteDialect({ database: withStatementCache(sqlite) }) });
}
