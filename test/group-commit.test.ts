import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.ts';
import { GroupCommit } from '../src/storage/group-commit.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { Database } from '../src/storage/tables.ts';

let db: Kysely<Database>;
let writes: GroupCommit;

beforeEach(async () => {
  db = openDatabase(':memory:');
  await migrateToLatest(db);
  writes = new GroupCommit(db, pino({ level: 'silent' }));
});

afterEach(async () => {
  await db.destroy();
});

function suppress(respondent: string) {
  return writes.run((trx) =>
    trx.insertInto('suppressions').values({ respondent, channel: 'c', source: 'keyword', message_sid: null, created_at: 'now' }).execute(),
  );
}

async function respondents(): Promise<string[]> {
  const rows = await db.selectFrom('suppressions').select('respondent').orderBy('respondent').execute();
  return rows.map((row) => row.respondent);
}

describe('GroupCommit', () => {
  it('commits concurrent units together', async () => {
    let commits = 0;
    const counted = new GroupCommit(
      Object.assign(Object.create(db), {
        startTransaction: () => {
          commits++;
          return db.startTransaction();
        },
      }) as Kysely<Database>,
      pino({ level: 'silent' }),
    );
    await Promise.all(['a', 'b', 'c'].map((respondent) => counted.run((trx) => trx.insertInto('suppressions').values({ respondent, channel: 'c', source: 'keyword', message_sid: null, created_at: 'now' }).execute())));
    expect(commits).toBe(1);
    expect(await respondents()).toEqual(['a', 'b', 'c']);
  });

  it('rolls back a failing unit alone', async () => {
    const results = await Promise.allSettled([
      suppress('a'),
      writes.run(async (trx) => {
        await trx.insertInto('suppressions').values({ respondent: 'b', channel: 'c', source: 'keyword', message_sid: null, created_at: 'now' }).execute();
        throw new Error('unit failed');
      }),
      suppress('c'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('unit failed'));
    expect(await respondents()).toEqual(['a', 'c']);
  });

  it('rolls back a failing unit that ran alone', async () => {
    const failing = writes.run(async (trx) => {
      await trx.insertInto('suppressions').values({ respondent: 'b', channel: 'c', source: 'keyword', message_sid: null, created_at: 'now' }).execute();
      throw new Error('unit failed');
    });
    await expect(failing).rejects.toThrow('unit failed');
    await suppress('a');
    expect(await respondents()).toEqual(['a']);
  });

  it('returns each unit its own value', async () => {
    const values = await Promise.all([1, 2, 3].map((value) => writes.run(async () => value * 10)));
    expect(values).toEqual([10, 20, 30]);
  });

  it('runs units queued during a commit in the next one', async () => {
    const first = suppress('a');
    await first;
    const second = suppress('b');
    await second;
    expect(await respondents()).toEqual(['a', 'b']);
  });

  it('rejects every unit when the commit fails', async () => {
    await db.destroy();
    await expect(suppress('a')).rejects.toThrow();
    db = openDatabase(':memory:');
  });
});
