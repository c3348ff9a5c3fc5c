import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { PreparedQuery } from '../src/storage/prepared-query.ts';
import type { SuppressionsTable } from '../src/storage/tables.ts';

const db = openDatabase(':memory:');

beforeEach(async () => {
  await migrateToLatest(db);
});

afterEach(async () => {
  await sql`delete from suppressions`.execute(db);
});

const suppress = new PreparedQuery((executor, row: Required<SuppressionsTable>) =>
  executor.insertInto('suppressions').values(row),
);
const bySource = new PreparedQuery((executor, values: { source: SuppressionsTable['source'] }) =>
  executor.selectFrom('suppressions').select(['respondent', 'message_sid']).where('source', '=', values.source).where('channel', '=', 'fixed').orderBy('respondent'),
);

describe('PreparedQuery', () => {
  it('reruns with new values', async () => {
    for (const respondent of ['+15550000001', '+15550000002', '+15550000003']) {
      await suppress.execute(db, { respondent, channel: 'fixed', source: 'keyword', message_sid: null, created_at: '2026-01-01T00:00:00Z' });
    }
    await suppress.execute(db, { respondent: '+15550000004', channel: 'other', source: 'keyword', message_sid: 'SM1', created_at: '2026-01-01T00:00:00Z' });
    await suppress.execute(db, { respondent: '+15550000005', channel: 'fixed', source: 'twilio_opt_out', message_sid: 'SM2', created_at: '2026-01-01T00:00:00Z' });

    expect(await bySource.execute(db, { source: 'keyword' })).toEqual([
      { respondent: '+15550000001', message_sid: null },
      { respondent: '+15550000002', message_sid: null },
      { respondent: '+15550000003', message_sid: null },
    ]);
    expect(await bySource.executeTakeFirst(db, { source: 'twilio_opt_out' })).toEqual({ respondent: '+15550000005', message_sid: 'SM2' });
    expect(await bySource.executeTakeFirst(db, { source: 'twilio_21610' })).toBeUndefined();
  });

  it('binds SQL-like values as values', async () => {
    const respondent = "'); drop table suppressions; --";
    await suppress.execute(db, { respondent, channel: 'fixed', source: 'keyword', message_sid: null, created_at: 'now' });
    expect(await bySource.execute(db, { source: 'keyword' })).toEqual([{ respondent, message_sid: null }]);
  });

  it('runs inside a rolled-back transaction', async () => {
    await db
      .transaction()
      .execute(async (trx) => {
        await suppress.execute(trx, { respondent: '+15550000009', channel: 'fixed', source: 'keyword', message_sid: null, created_at: 'now' });
        expect(await bySource.execute(trx, { source: 'keyword' })).toHaveLength(1);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await bySource.execute(db, { source: 'keyword' })).toEqual([]);
  });

  it('rejects an undefined value', async () => {
    await expect(
      suppress.execute(db, { respondent: '+15550000001', channel: 'fixed', source: 'keyword', message_sid: undefined as unknown as null, created_at: 'now' }),
    ).rejects.toThrow('Prepared query value "message_sid" is undefined. Pass null for an empty column.');
  });

  it('rejects an unused value', async () => {
    const careless = new PreparedQuery((executor, _values: { source: SuppressionsTable['source']; unused: string }) => executor.selectFrom('suppressions').select('respondent'));
    await expect(careless.execute(db, { source: 'keyword', unused: 'x' })).rejects.toThrow(/does not use the value\(s\) source, unused/);
  });
});
