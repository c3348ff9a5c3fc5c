import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

describe('migrateToLatest', () => {
  it('applies every migration once', async () => {
    const db = openDatabase(':memory:');
    expect(await migrateToLatest(db)).toEqual(['0001-initial', '0002-session-expiry-index', '0003-distributions', '0004-survey-logic', '0005-session-language']);
    expect(await migrateToLatest(db)).toEqual([]);
    await db.destroy();
  });

  it('sweeps expiry through an index', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    const query = db
      .updateTable('sessions')
      .set({ status: 'expired' })
      .where('status', '=', 'active')
      .where('expires_at', '<=', '2026-12-04T00:00:00.000Z')
      .compile();
    const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
    expect(plan.rows.map((row) => row.detail)).toEqual([expect.stringContaining('USING INDEX sessions_by_expiry')]);
    await db.destroy();
  });
});
