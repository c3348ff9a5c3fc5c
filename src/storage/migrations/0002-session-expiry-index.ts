import type { Kysely } from 'kysely';

// The expiry sweep looks up active sessions by expiry time every minute; without this
// index it scans every session, which blocks the event loop once there are millions.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('sessions_by_expiry').on('sessions').columns(['status', 'expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_by_expiry').execute();
}
