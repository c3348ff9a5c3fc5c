import type { Kysely, Transaction } from 'kysely';
import { PreparedQuery } from './prepared-query.ts';
import type { Contact, Database } from './tables.ts';

// Every inbound message looks its sender up, so the query is compiled once per transaction.
const contactByPhone = new PreparedQuery((db, values: { phone: string }) => db.selectFrom('contacts').selectAll().where('phone', '=', values.phone));

/**
 * Finds the contact with this phone number (E.164, as imported and as Twilio sends
 * `From`), so that survey texts can use its fields. Runs on the given executor, which
 * inside the engine is the transaction of one inbound message.
 */
export async function findContactByPhone(db: Kysely<Database> | Transaction<Database>, phone: string): Promise<Contact | undefined> {
  return contactByPhone.executeTakeFirst(db, { phone });
}
