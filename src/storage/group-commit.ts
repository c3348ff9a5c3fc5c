import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './tables.ts';

export type TransactionWork<T> = (trx: Transaction<Database>) => Promise<T>;

interface QueuedWork {
  work: TransactionWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Upper bound on the units of work one commit carries, so a burst cannot hold the lock for long. */
const MAX_BATCH = 128;

/**
 * Runs units of work in shared transactions and commits them together.
 *
 * A commit with `synchronous=FULL` waits for the disk, so one commit per webhook caps
 * throughput at the disk's flush rate. Work that arrives while a commit is under way
 * waits for the next one, and each unit runs inside its own savepoint, so a unit that
 * throws is rolled back alone. A promise settles only after the commit that carried
 * its work, so whatever the caller acknowledges is on disk.
 */
export class GroupCommit {
  readonly #db: Kysely<Database>;
  readonly #logger: Logger;
  readonly #queue: QueuedWork[] = [];
  #flushing = false;

  constructor(db: Kysely<Database>, logger: Logger) {
    this.#db = db;
    this.#logger = logger;
  }

  run<T>(work: TransactionWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    // setImmediate lets the requests already read in this turn of the event loop join the batch.
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    const batch = this.#queue.splice(0, MAX_BATCH);
    try {
      const outcomes = await this.#commit(batch);
      batch.forEach((item, index) => {
        const outcome = outcomes[index]!;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(outcome.error);
      });
    } catch (error) {
      this.#logger.error({ err: error, batchSize: batch.length }, 'group commit failed; every unit of work in it was rolled back');
      for (const item of batch) item.reject(error);
    } finally {
      this.#flushing = false;
      if (this.#queue.length > 0) this.#scheduleFlush();
    }
  }

  /**
   * Runs the batch without savepoints first, since a unit rarely fails and two
   * statements per unit are a quarter of a webhook's statements. If a unit throws, the
   * whole transaction is rolled back and the batch runs again with a savepoint per
   * unit, so that only the failing unit is lost.
   *
   * NOTE: on that second run, the units before the failing one run twice, so work must
   * not have effects outside the transaction other than logging.
   */
  async #commit(batch: QueuedWork[]): Promise<Outcome[]> {
    const outcomes = await this.#commitTogether(batch);
    return outcomes ?? this.#commitWithSavepoints(batch);
  }

  /** Returns the outcomes, or undefined when a unit of a batch of several threw and everything was rolled back. */
  async #commitTogether(batch: QueuedWork[]): Promise<Outcome[] | undefined> {
    const trx = await this.#db.startTransaction().execute();
    const outcomes: Outcome[] = [];
    for (const { work } of batch) {
      try {
        outcomes.push({ ok: true, value: await work(trx) });
      } catch (error) {
        await trx.rollback().execute();
        // A unit alone is its own transaction, so its rollback is its whole outcome.
        if (batch.length === 1) return [{ ok: false, error }];
        this.#logger.debug({ batchSize: batch.length }, 'a unit of work failed; running the batch again with savepoints');
        return undefined;
      }
    }
    try {
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      throw error;
    }
    return outcomes;
  }

  async #commitWithSavepoints(batch: QueuedWork[]): Promise<Outcome[]> {
    const trx = await this.#db.startTransaction().execute();
    const outcomes: Outcome[] = [];
    try {
      for (const { work } of batch) {
        const unit = await trx.savepoint('unit').execute();
        try {
          const value = await work(unit);
          await unit.releaseSavepoint('unit').execute();
          outcomes.push({ ok: true, value });
        } catch (error) {
          await unit.rollbackToSavepoint('unit').execute();
          await unit.releaseSavepoint('unit').execute();
          outcomes.push({ ok: false, error });
        }
      }
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      throw error;
    }
    return outcomes;
  }
}
