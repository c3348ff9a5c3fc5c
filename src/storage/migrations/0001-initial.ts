import { type Kysely, sql } from 'kysely';

// Migrations take Kysely<any> because they must keep working after the typed schema moves on.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('survey_versions')
    .addColumn('hash', 'text', (col) => col.primaryKey())
    .addColumn('survey_id', 'text', (col) => col.notNull())
    .addColumn('file', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('first_used_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('respondent', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('survey_id', 'text', (col) => col.notNull())
    .addColumn('survey_hash', 'text', (col) => col.notNull().references('survey_versions.hash'))
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('snapshot', 'text', (col) => col.notNull())
    .addColumn('started_at', 'text', (col) => col.notNull())
    .addColumn('last_activity_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('ended_at', 'text')
    .execute();
  // At most one active session per respondent and channel, enforced by the database itself.
  await db.schema
    .createIndex('sessions_one_active')
    .on('sessions')
    .columns(['respondent', 'channel'])
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema.createIndex('sessions_by_respondent').on('sessions').columns(['respondent', 'channel', 'id']).execute();
  await db.schema.createIndex('sessions_by_survey').on('sessions').columns(['survey_id', 'status']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('message_sid', 'text', (col) => col.notNull().unique())
    .addColumn('account_sid', 'text', (col) => col.notNull())
    .addColumn('respondent', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('num_media', 'integer', (col) => col.notNull())
    .addColumn('fields', 'text', (col) => col.notNull())
    .addColumn('received_at', 'text', (col) => col.notNull())
    .addColumn('session_id', 'integer', (col) => col.references('sessions.id'))
    .addColumn('question_id', 'text')
    .addColumn('handled_as', 'text', (col) => col.notNull())
    .addColumn('reply', 'text')
    .execute();
  await db.schema.createIndex('messages_by_session').on('messages').column('session_id').execute();

  await db.schema
    .createTable('answers')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('session_id', 'integer', (col) => col.notNull().references('sessions.id'))
    .addColumn('question_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('message_sid', 'text')
    .addColumn('raw_text', 'text')
    .addColumn('value', 'text')
    .addColumn('answered_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('answers_one_per_question', ['session_id', 'question_id'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('respondent', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('message_sid', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['respondent', 'channel'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['suppressions', 'answers', 'messages', 'sessions', 'survey_versions']) {
    await db.schema.dropTable(table).execute();
  }
}
