import type { Kysely } from 'kysely';
import { ConversationStore } from '../storage/conversation-store.ts';
import { DeliveryStatusStore } from '../storage/delivery-status-store.ts';
import type { Database, DeliveryStatus } from '../storage/tables.ts';
import type { WebhookFields } from '../twilio/webhook-form.ts';
import { isDeliveryStatus, statusesReplacedBy } from './delivery-status.ts';

/** Twilio's error for a message to a recipient who unsubscribed from the sender. */
export const UNSUBSCRIBED_RECIPIENT_ERROR = 21610;

/** One status callback from Twilio about an outbound message. */
export interface StatusEvent {
  messageSid: string;
  /** `MessageStatus`, or `SmsStatus` when Twilio sent only that; may be a status Parley does not rank. */
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  accountSid: string | undefined;
  from: string | undefined;
  to: string | undefined;
  messagingServiceSid: string | undefined;
  /** Every form field of the callback, stored as JSON. */
  fields: WebhookFields;
}

/** Result of {@link recordStatusEvent} for one event. */
export interface StatusEventOutcome {
  /** False when the same MessageSid and status were already stored, in which case nothing else was done. */
  stored: boolean;
  /** Whether the status is one Parley ranks; any other status is stored but not applied. */
  knownStatus: boolean;
  /** The distribution of the outbound message with this MessageSid; undefined when Parley did not send it. */
  distributionId: number | undefined;
  /** Whether the message's delivery status, error code and error message changed to this event's. */
  applied: boolean;
  /** The entry added to the suppression list for error 21610, or null. */
  suppression: { respondent: string; channel: string } | null;
}

/**
 * Stores a status callback and applies it to the outbound message it is about, in one
 * transaction. The delivery status only moves forward (see `movesForward`), and its
 * error code and error message change with it or not at all. Error 21610 also adds
 * the recipient to the sender's suppression list.
 *
 * @param now - ISO 8601 time of arrival, stored as `received_at`.
 * @example
 * const outcome = await recordStatusEvent(db, event, new Date().toISOString());
 * if (!outcome.stored) console.log('duplicate callback');
 */
export async function recordStatusEvent(db: Kysely<Database>, event: StatusEvent, now: string): Promise<StatusEventOutcome> {
  const knownStatus = isDeliveryStatus(event.status);

  return db.transaction().execute(async (trx) => {
    const store = new DeliveryStatusStore(trx);

    const stored = await store.insertEvent({
      messageSid: event.messageSid,
      status: event.status,
      errorCode: event.errorCode,
      fields: JSON.stringify(event.fields),
      receivedAt: now,
    });
    if (!stored) {
      return { stored, knownStatus, distributionId: undefined, applied: false, suppression: null };
    }

    // A callback can arrive before the dispatcher has stored the MessageSid on its row. Such
    // an event is only stored here; `applyStoredStatusEvents` applies it once the SID is stored.
    const message = await store.findOutboundMessage(event.messageSid);

    let applied = false;
    if (message !== undefined && knownStatus) {
      const status = event.status as DeliveryStatus;
      applied = await store.advanceDeliveryStatus({
        messageSid: event.messageSid,
        status,
        errorCode: event.errorCode,
        errorMessage: event.errorMessage,
        replaces: statusesReplacedBy(status),
      });
    }

    let suppression: StatusEventOutcome['suppression'] = null;
    if (event.errorCode === UNSUBSCRIBED_RECIPIENT_ERROR) {
      const respondent = event.to ?? message?.recipient;
      const channel = message?.sender ?? event.messagingServiceSid ?? event.from;
      if (respondent !== undefined && channel !== undefined) {
        await new ConversationStore(trx).suppress({ respondent, channel, source: 'twilio_21610', message_sid: event.messageSid, created_at: now });
        suppression = { respondent, channel };
      }
    }

    return { stored, knownStatus, distributionId: message?.distribution_id, applied, suppression };
  });
}
