import type { Kysely, Transaction } from 'kysely';
import type { Database, DeliveryStatus, OutboundMessage } from './tables.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** One status callback as stored in `message_status_events`. */
export interface NewStatusEvent {
  messageSid: string;
  status: string;
  errorCode: number | null;
  /** Every form field of the callback, as JSON. */
  fields: string;
  receivedAt: string;
}

/** The new delivery status of an outbound message, with the error that came with it. */
export interface DeliveryStatusUpdate {
  messageSid: string;
  status: DeliveryStatus;
  errorCode: number | null;
  errorMessage: string | null;
  /** Stored statuses the new one may replace; a row with any other status is left alone. */
  replaces: DeliveryStatus[];
}

/**
 * The queries behind Twilio's status callbacks, on whichever executor it is given
 * (usually the transaction of one callback). Only Kysely's portable query builder is
 * used, so the queries can move to the PostgreSQL dialect; they are tested on SQLite only.
 */
export class DeliveryStatusStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /**
   * Appends a status event; its id records the order of arrival.
   *
   * @returns false when an event with the same MessageSid and status is already stored.
   */
  async insertEvent(event: NewStatusEvent): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('message_status_events')
      .values({
        message_sid: event.messageSid,
        status: event.status,
        error_code: event.errorCode,
        fields: event.fields,
        received_at: event.receivedAt,
      })
      .onConflict((oc) => oc.columns(['message_sid', 'status']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async findOutboundMessage(
    messageSid: string,
  ): Promise<Pick<OutboundMessage, 'id' | 'distribution_id' | 'recipient' | 'sender' | 'delivery_status'> | undefined> {
    return this.#db
      .selectFrom('outbound_messages')
      .select(['id', 'distribution_id', 'recipient', 'sender', 'delivery_status'])
      .where('message_sid', '=', messageSid)
      .executeTakeFirst();
  }

  /**
   * Sets the delivery status, error code and error message together, but only while the
   * stored status is null or one of `update.replaces`. The condition is part of the
   * UPDATE, so it holds even when another callback for the message commits first.
   *
   * @returns whether the row changed.
   */
  async advanceDeliveryStatus({ messageSid, status, errorCode, errorMessage, replaces }: DeliveryStatusUpdate): Promise<boolean> {
    const result = await this.#db
      .updateTable('outbound_messages')
      .set({ delivery_status: status, error_code: errorCode, error_message: errorMessage })
      .where('message_sid', '=', messageSid)
      .where((eb) => {
        const isNull = eb('delivery_status', 'is', null);
        // An empty IN list is invalid SQL, so the lowest-ranked statuses check for null alone.
        return replaces.length === 0 ? isNull : eb.or([isNull, eb('delivery_status', 'in', replaces)]);
      })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
