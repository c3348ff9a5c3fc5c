import type { Handler } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../engine/inbound-message.ts';
import { UNSUBSCRIBED_RECIPIENT_ERROR, recordStatusEvent } from '../distribution/status-event.ts';
import { WarningThrottle, maskPhone } from '../log.ts';
import type { Database } from '../storage/tables.ts';
import { InvalidWebhookError } from '../twilio/inbound-webhook.ts';
import { toStatusEvent } from '../twilio/status-callback.ts';
import type { TwilioWebhookEnv } from './twilio-webhook.ts';
import { twimlError } from './twiml-reply.ts';

export interface StatusCallbackOptions {
  db: Kysely<Database>;
  logger: Logger;
  clock?: Clock;
}

/**
 * Handles Twilio's message status callback after `twilioWebhook` has verified it:
 * stores the event, applies it to the outbound message, and responds 204 No Content. A duplicate
 * or a callback about a message Parley did not send is acknowledged the same way, so
 * Twilio has nothing to retry.
 *
 * @example
 * app.post('/twilio/status', twilioWebhook({ authToken, publicUrl, logger }), statusCallback({ db, logger }));
 */
export function statusCallback({ db, logger, clock = systemClock }: StatusCallbackOptions): Handler<TwilioWebhookEnv> {
  const warnings = new WarningThrottle(logger);

  return async function recordStatusCallback(c) {
    let event;
    try {
      event = toStatusEvent(c.get('twilioFields'));
    } catch (error) {
      if (!(error instanceof InvalidWebhookError)) throw error;
      warnings.warn('400-status-fields', { status: 400, error: error.message }, 'rejected a signed status callback with invalid fields');
      return twimlError(c, 400, error.message);
    }

    const outcome = await recordStatusEvent(db, event, clock.now().toISOString());
    const ids = { messageSid: event.messageSid, status: event.status, errorCode: event.errorCode, distributionId: outcome.distributionId };

    if (!outcome.stored) {
      logger.debug(ids, 'status callback already stored; acknowledged again');
    } else if (!outcome.knownStatus) {
      // Keyed by status, so a status Twilio adds later is logged once a minute, not once per message.
      warnings.warn(
        `unknown-status:${event.status.slice(0, 40)}`,
        ids,
        'stored a status callback with an unknown MessageStatus but did not apply it; Parley ranks only the statuses listed in the README',
      );
    } else if (outcome.distributionId === undefined) {
      logger.debug(ids, 'stored a status callback for a message Parley did not send');
    } else {
      logger.debug({ ...ids, applied: outcome.applied }, outcome.applied ? 'delivery status updated' : 'delivery status kept; the stored one ranks the same or higher');
    }

    if (outcome.suppression !== null) {
      logger.info(
        { ...ids, respondent: maskPhone(outcome.suppression.respondent), channel: outcome.suppression.channel },
        'recipient unsubscribed from this sender (Twilio error 21610); added to the suppression list',
      );
    } else if (outcome.stored && event.errorCode === UNSUBSCRIBED_RECIPIENT_ERROR) {
      logger.warn(ids, 'status callback has error 21610 but no To number or sender, so the recipient was not added to the suppression list');
    }

    return c.body(null, 204);
  };
}
