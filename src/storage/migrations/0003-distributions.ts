import type { Kysely } from 'kysely';

// Contacts, distributions, the outbox of invites and reminders, and Twilio's delivery
// status events. Kysely<any> keeps the migration fixed while the typed schema moves on.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('phone', 'text', (col) => col.notNull().unique())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('language', 'text')
    .addColumn('timezone', 'text')
    .addColumn('fields', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('contact_lists')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('contact_list_members')
    .addColumn('list_id', 'integer', (col) => col.notNull().references('contact_lists.id'))
    .addColumn('contact_id', 'integer', (col) => col.notNull().references('contacts.id'))
    .addColumn('added_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('contact_list_members_pk', ['list_id', 'contact_id'])
    .execute();

  await db.schema
    .createTable('distributions')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('survey_id', 'text', (col) => col.notNull())
    .addColumn('survey_hash', 'text', (col) => col.notNull().references('survey_versions.hash'))
    .addColumn('list_id', 'integer', (col) => col.notNull().references('contact_lists.id'))
    .addColumn('mode', 'text', (col) => col.notNull())
    .addColumn('sender', 'text', (col) => col.notNull())
    .addColumn('sender_kind', 'text', (col) => col.notNull())
    .addColumn('segments_per_second', 'real', (col) => col.notNull())
    .addColumn('send_at', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('outbound_messages')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('distribution_id', 'integer', (col) => col.notNull().references('distributions.id'))
    .addColumn('contact_id', 'integer', (col) => col.notNull().references('contacts.id'))
    .addColumn('sequence', 'integer', (col) => col.notNull())
    .addColumn('recipient', 'text', (col) => col.notNull())
    .addColumn('sender', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('segments', 'integer', (col) => col.notNull())
    .addColumn('encoding', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('not_before', 'text', (col) => col.notNull())
    .addColumn('held_from', 'text')
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('claimed_at', 'text')
    .addColumn('message_sid', 'text', (col) => col.unique())
    .addColumn('delivery_status', 'text')
    .addColumn('error_code', 'integer')
    .addColumn('error_message', 'text')
    .addColumn('skip_reason', 'text')
    .addColumn('session_id', 'integer', (col) => col.references('sessions.id'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('sent_at', 'text')
    // One invite (sequence 0) and one row per reminder for each contact of a distribution.
    .addUniqueConstraint('outbound_messages_one_per_step', ['distribution_id', 'contact_id', 'sequence'])
    .execute();
  await db.schema.createIndex('outbound_messages_due').on('outbound_messages').columns(['state', 'not_before']).execute();
  await db.schema.createIndex('outbound_messages_by_session').on('outbound_messages').column('session_id').execute();

  await db.schema
    .createTable('message_status_events')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('message_sid', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('error_code', 'integer')
    .addColumn('fields', 'text', (col) => col.notNull())
    .addColumn('received_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('message_status_events_once', ['message_sid', 'status'])
    .execute();

  // Reminders look up the respondent's replies within a session.
  await db.schema.createIndex('messages_by_session_time').on('messages').columns(['session_id', 'received_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_by_session_time').execute();
  for (const table of ['message_status_events', 'outbound_messages', 'distributions', 'contact_list_members', 'contact_lists', 'contacts']) {
    await db.schema.dropTable(table).execute();
  }
}
