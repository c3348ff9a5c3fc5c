import type { Transaction } from 'kysely';
import { DeliveryStatusStore } from '../storage/delivery-status-store.ts';
import type { Database } from '../storage/tables.ts';
import { isDeliveryStatus, statusesReplacedBy } from './delivery-status.ts';

/**
 * Applies the status callbacks already stored for a message to its outbox row. Twilio
 * may call back before the dispatcher has recorded the MessageSid, and such a
 * callback found no row to update; this replays them, in arrival order, with the
 * same forward-only rule.
 */
export async function applyStoredStatusEvents(trx: Transaction<Database>, messageSid: string): Promise<void> {
  const events = await trx
    .selectFrom('message_status_events')
    .select(['status', 'error_code', 'fields'])
    .where('message_sid', '=', messageSid)
    .orderBy('id')
    .execute();
  const store = new DeliveryStatusStore(trx);
  for (const event of events) {
    if (!isDeliveryStatus(event.status)) continue;
    const { ErrorMessage } = JSON.parse(event.fields) as { ErrorMessage?: unknown };
    await store.advanceDeliveryStatus({
      messageSid,
      status: event.status,
      errorCode: event.error_code,
      errorMessage: typeof ErrorMessage === 'string' ? ErrorMessage : null,
      replaces: statusesReplacedBy(event.status),
    });
  }
}
