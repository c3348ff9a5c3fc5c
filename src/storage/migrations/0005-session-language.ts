import type { Kysely } from 'kysely';

// The language a session's texts are sent in, a BCP 47 tag. Sessions started before it
// existed have null, which means the survey's default language.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('language', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('language').execute();
}
