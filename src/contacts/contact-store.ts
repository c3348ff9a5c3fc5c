import type { Kysely, Transaction } from 'kysely';
import type { Contact, Database } from '../storage/tables.ts';

/** A contact to store. An undefined property keeps the value already stored. */
export interface ContactInput {
  /** E.164, and the key that matches an existing contact. */
  phone: string;
  firstName: string | undefined;
  lastName: string | undefined;
  language: string | undefined;
  timezone: string | undefined;
  /** Merged into the stored fields. A key given here replaces the stored value, and other keys stay. */
  fields: Record<string, string>;
}

export interface ImportContactsOptions {
  /** The list that receives the contacts, created when missing. */
  listName: string;
  now: Date;
}

export interface ImportContactsResult {
  listId: number;
  /** Contacts whose phone number was not stored before. */
  created: number;
  /** Stored contacts that the input changed. */
  updated: number;
  /** Stored contacts whose values the input repeated exactly. */
  unchanged: number;
  /** Contacts of the list after the import, including earlier members. */
  listMembers: number;
}

/** Contacts looked up per query, below 999, SQLite's default limit of bound parameters before version 3.32. */
const LOOKUP_BATCH = 500;

/**
 * Stores contacts by phone number and adds them to a list, in one transaction, so a
 * failed import stores nothing. A stored contact is updated rather than duplicated.
 * Contacts already in the list stay in it, so an import never removes members.
 *
 * @example
 * const result = await importContacts(db, [{ phone: '+12015550123', firstName: 'Ana', lastName: undefined, language: 'es', timezone: undefined, fields: {} }], { listName: 'customers', now: new Date() });
 */
export async function importContacts(db: Kysely<Database>, contacts: ContactInput[], { listName, now }: ImportContactsOptions): Promise<ImportContactsResult> {
  const timestamp = now.toISOString();

  return db.transaction().execute(async (trx) => {
    const listId = await findOrCreateList(trx, listName, timestamp);
    const stored = await findContactsByPhone(
      trx,
      contacts.map((contact) => contact.phone),
    );

    let created = 0;
    let updated = 0;
    let unchanged = 0;
    for (const contact of contacts) {
      const existing = stored.get(contact.phone);
      let contactId: number;
      if (existing === undefined) {
        contactId = await insertContact(trx, contact, timestamp);
        created++;
      } else if (await updateContact(trx, existing, contact, timestamp)) {
        contactId = existing.id;
        updated++;
      } else {
        contactId = existing.id;
        unchanged++;
      }

      await trx
        .insertInto('contact_list_members')
        .values({ list_id: listId, contact_id: contactId, added_at: timestamp })
        .onConflict((conflict) => conflict.columns(['list_id', 'contact_id']).doNothing())
        .execute();
    }

    const listMembers = await countListMembers(trx, listId);
    return { listId, created, updated, unchanged, listMembers };
  });
}

/** A contact list with its number of members. */
export interface ContactListSummary {
  id: number;
  name: string;
  members: number;
  createdAt: string;
}

/** Lists every contact list with its number of members, by name. */
export async function listContactLists(db: Kysely<Database>): Promise<ContactListSummary[]> {
  const rows = await db
    .selectFrom('contact_lists')
    .leftJoin('contact_list_members', 'contact_list_members.list_id', 'contact_lists.id')
    .select((eb) => ['contact_lists.id', 'contact_lists.name', 'contact_lists.created_at', eb.fn.count<number>('contact_list_members.contact_id').as('members')])
    .groupBy('contact_lists.id')
    .orderBy('contact_lists.name')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, members: Number(row.members), createdAt: row.created_at }));
}

/** Counts the members of a list. */
export async function countListMembers(db: Kysely<Database>, listId: number): Promise<number> {
  const { members } = await db
    .selectFrom('contact_list_members')
    .where('list_id', '=', listId)
    .select((eb) => eb.fn.countAll<number>().as('members'))
    .executeTakeFirstOrThrow();
  return Number(members);
}

async function findOrCreateList(trx: Transaction<Database>, name: string, timestamp: string): Promise<number> {
  await trx
    .insertInto('contact_lists')
    .values({ name, created_at: timestamp })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const { id } = await trx.selectFrom('contact_lists').where('name', '=', name).select('id').executeTakeFirstOrThrow();
  return id;
}

async function findContactsByPhone(trx: Transaction<Database>, phones: string[]): Promise<Map<string, Contact>> {
  const contacts = new Map<string, Contact>();
  for (let start = 0; start < phones.length; start += LOOKUP_BATCH) {
    const batch = phones.slice(start, start + LOOKUP_BATCH);
    const rows = await trx.selectFrom('contacts').where('phone', 'in', batch).selectAll().execute();
    for (const row of rows) contacts.set(row.phone, row);
  }
  return contacts;
}

async function insertContact(trx: Transaction<Database>, contact: ContactInput, timestamp: string): Promise<number> {
  const { id } = await trx
    .insertInto('contacts')
    .values({
      phone: contact.phone,
      first_name: contact.firstName ?? null,
      last_name: contact.lastName ?? null,
      language: contact.language ?? null,
      timezone: contact.timezone ?? null,
      fields: JSON.stringify(contact.fields),
      created_at: timestamp,
      updated_at: timestamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Writes the input's non-empty values over the stored ones and returns whether anything changed. */
async function updateContact(trx: Transaction<Database>, existing: Contact, contact: ContactInput, timestamp: string): Promise<boolean> {
  const merged = {
    first_name: contact.firstName ?? existing.first_name,
    last_name: contact.lastName ?? existing.last_name,
    language: contact.language ?? existing.language,
    timezone: contact.timezone ?? existing.timezone,
    fields: JSON.stringify({ ...(JSON.parse(existing.fields) as Record<string, string>), ...contact.fields }),
  };
  const changed = (Object.keys(merged) as Array<keyof typeof merged>).some((column) => merged[column] !== existing[column]);
  if (!changed) return false;

  await trx
    .updateTable('contacts')
    .set({ ...merged, updated_at: timestamp })
    .where('id', '=', existing.id)
    .execute();
  return true;
}

/**
 * Sets the language of the contact with this phone number (E.164), creating a contact
 * with only the phone and language when there is none. `parley chat --lang` uses it.
 */
export async function setContactLanguage(db: Kysely<Database>, phone: string, language: string, now: Date): Promise<void> {
  const timestamp = now.toISOString();
  await db
    .insertInto('contacts')
    .values({ phone, first_name: null, last_name: null, language, timezone: null, fields: '{}', created_at: timestamp, updated_at: timestamp })
    .onConflict((conflict) => conflict.column('phone').doUpdateSet({ language, updated_at: timestamp }))
    .execute();
}
