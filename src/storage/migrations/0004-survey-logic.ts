import type { Kysely } from 'kysely';

// Scores computed from a session's answers, and the end it reached, so exports read them
// without replaying the survey. Kysely<any> keeps the migration fixed while the typed schema moves on.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('scores', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('end_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('end_id').execute();
  await db.schema.alterTable('sessions').dropColumn('scores').execute();
}
