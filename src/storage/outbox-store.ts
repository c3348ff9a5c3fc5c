import type { Kysely, Transaction } from 'kysely';
import { countSegments } from '../sms/segments.ts';
import type { Contact, Database, DeliveryStatus, Distribution, NewOutboundMessage, OutboundMessage } from './tables.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** Builds a pending outbox row: its segments counted now, and nothing sent, claimed or recorded yet. */
export function pendingMessage(
  row: Pick<NewOutboundMessage, 'distribution_id' | 'contact_id' | 'sequence' | 'recipient' | 'sender' | 'body' | 'not_before' | 'session_id' | 'created_at'>,
): NewOutboundMessage {
  return {
    ...row,
    ...countSegments(row.body),
    state: 'pending',
    attempts: 0,
    claimed_at: null,
    message_sid: null,
    delivery_status: null,
    error_code: null,
    error_message: null,
    skip_reason: null,
    sent_at: null,
  };
}

/** An outbox row with what the dispatcher needs to decide about it. */
export interface DueMessage extends OutboundMessage {
  contact: Pick<Contact, 'phone' | 'timezone'>;
}

/**
 * The queries of the outbox: the invites and reminders waiting to be sent, and their
 * way through `pending` → `sending` → `sent` (or `failed`, or `skipped`). Every state
 * change is a conditional update on the state it leaves, so two dispatchers never
 * both claim a row.
 */
export class OutboxStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async insertDistribution(distribution: Omit<Distribution, 'id'>): Promise<number> {
    const { id } = await this.#db.insertInto('distributions').values(distribution).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async findDistribution(id: number): Promise<Distribution | undefined> {
    return this.#db.selectFrom('distributions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Adds rows; a row that already exists for the same contact and step is left alone. */
  async insertMessages(messages: NewOutboundMessage[]): Promise<void> {
    // SQLite allows 32766 bound values; at 14 columns a row, 500 rows stay far below.
    for (let start = 0; start < messages.length; start += 500) {
      await this.#db
        .insertInto('outbound_messages')
        .values(messages.slice(start, start + 500))
        .onConflict((oc) => oc.columns(['distribution_id', 'contact_id', 'sequence']).doNothing())
        .execute();
    }
  }

  /** Pending rows whose time has come, oldest first. */
  async findDue(now: string, limit: number): Promise<DueMessage[]> {
    const rows = await this.#db
      .selectFrom('outbound_messages')
      .innerJoin('contacts', 'contacts.id', 'outbound_messages.contact_id')
      .selectAll('outbound_messages')
      .select(['contacts.phone as contact_phone', 'contacts.timezone as contact_timezone'])
      .where('outbound_messages.state', '=', 'pending')
      .where('outbound_messages.not_before', '<=', now)
      .orderBy('outbound_messages.not_before')
      .orderBy('outbound_messages.id')
      .limit(limit)
      .execute();
    return rows.map(({ contact_phone, contact_timezone, ...row }) => ({ ...row, contact: { phone: contact_phone, timezone: contact_timezone } }));
  }

  /** Rows claimed before `claimedBefore` whose request may or may not have reached Twilio. */
  async findStaleSending(claimedBefore: string, limit: number): Promise<OutboundMessage[]> {
    return this.#db
      .selectFrom('outbound_messages')
      .selectAll()
      .where('state', '=', 'sending')
      .where('claimed_at', '<', claimedBefore)
      .orderBy('claimed_at')
      .limit(limit)
      .execute();
  }

  /**
   * Moves a row from `pending` to `sending` and counts the attempt; the body may be
   * rewritten (a reminder repeats the question pending at the time).
   *
   * @returns false when another dispatcher claimed or changed the row first.
   */
  async claim(id: number, now: string, body?: { body: string; segments: number; encoding: 'GSM-7' | 'UCS-2' }): Promise<boolean> {
    const result = await this.#db
      .updateTable('outbound_messages')
      .set((eb) => ({ state: 'sending', claimed_at: now, attempts: eb('attempts', '+', 1), held_from: null, ...body }))
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records Twilio's acceptance of a `sending` row. */
  async markSent(id: number, messageSid: string, status: DeliveryStatus, now: string, sessionId: number | null): Promise<boolean> {
    const result = await this.#db
      .updateTable('outbound_messages')
      .set({ state: 'sent', message_sid: messageSid, delivery_status: status, sent_at: now, session_id: sessionId, error_code: null, error_message: null })
      .where('id', '=', id)
      .where('state', '=', 'sending')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Holds a pending row until its contact's sending hours begin, remembering when it was due. */
  async holdForSendingHours(id: number, until: string): Promise<void> {
    await this.#db
      .updateTable('outbound_messages')
      .set((eb) => ({ held_from: eb.fn.coalesce('held_from', 'not_before'), not_before: until }))
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .execute();
  }

  /**
   * Puts every held row back to the time it was due before the hold.
   *
   * @returns how many rows were released.
   */
  async releaseHolds(): Promise<number> {
    const result = await this.#db
      .updateTable('outbound_messages')
      .set((eb) => ({ not_before: eb.ref('held_from').$castTo<string>(), held_from: null }))
      .where('state', '=', 'pending')
      .where('held_from', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Returns a row to `pending` to try again at `notBefore`, keeping the last error for `parley status`. */
  async retryLater(id: number, fromState: 'pending' | 'sending', notBefore: string, error?: { code: number | null; message: string }): Promise<void> {
    await this.#db
      .updateTable('outbound_messages')
      .set({ state: 'pending', not_before: notBefore, ...(error ? { error_code: error.code, error_message: error.message } : {}) })
      .where('id', '=', id)
      .where('state', '=', fromState)
      .execute();
  }

  async markFailed(id: number, code: number | null, message: string): Promise<void> {
    await this.#db
      .updateTable('outbound_messages')
      .set({ state: 'failed', error_code: code, error_message: message })
      .where('id', '=', id)
      .where('state', 'in', ['pending', 'sending'])
      .execute();
  }

  async markSkipped(id: number, reason: string): Promise<void> {
    await this.#db
      .updateTable('outbound_messages')
      .set({ state: 'skipped', skip_reason: reason })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .execute();
  }

  /**
   * Skips every pending invite and reminder of a distribution. Rows already being sent
   * are left to finish, since their request may have reached Twilio.
   *
   * @returns how many rows were skipped.
   */
  async cancelDistribution(distributionId: number, reason: string): Promise<number> {
    const result = await this.#db
      .updateTable('outbound_messages')
      .set({ state: 'skipped', skip_reason: reason })
      .where('distribution_id', '=', distributionId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Message SIDs already recorded on outbox rows, out of `sids`. */
  async knownSids(sids: string[]): Promise<Set<string>> {
    if (sids.length === 0) return new Set();
    const rows = await this.#db.selectFrom('outbound_messages').select('message_sid').where('message_sid', 'in', sids).execute();
    return new Set(rows.map((row) => row.message_sid!));
  }

  /** Returns whether the respondent has texted anything within the session. */
  async hasReplied(sessionId: number): Promise<boolean> {
    const row = await this.#db.selectFrom('messages').select('id').where('session_id', '=', sessionId).limit(1).executeTakeFirst();
    return row !== undefined;
  }
}
