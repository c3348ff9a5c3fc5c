import type { InboundMessage } from '../engine/inbound-message.ts';
import { firstValue, type WebhookFields } from './webhook-form.ts';

/** A signed webhook whose fields cannot be turned into a message; answered with 400. */
export class InvalidWebhookError extends Error {
  readonly code = 'WEBHOOK_INVALID';
}

const SID = /^[A-Za-z]{2}[0-9a-fA-F]{32}$/;
const MAX_MEDIA = 10; // Twilio accepts at most 10 media items on one message.

/**
 * Maps Twilio's inbound message webhook to the engine's message. Unknown fields are
 * kept in `fields`, since Twilio adds new ones without notice.
 *
 * @throws InvalidWebhookError naming each missing or malformed field.
 */
export function toInboundMessage(fields: WebhookFields): InboundMessage {
  const problems: string[] = [];
  const required = (name: string, pattern?: RegExp): string => {
    const value = firstValue(fields, name);
    if (value === undefined || value === '') {
      problems.push(`${name} is missing`);
      return '';
    }
    if (pattern !== undefined && !pattern.test(value)) {
      problems.push(`${name} ${JSON.stringify(value.slice(0, 80))} is not a Twilio SID`);
    }
    return value;
  };

  const messageSid = required('MessageSid', SID);
  const accountSid = required('AccountSid', SID);
  const from = required('From');
  const to = required('To');
  const messagingServiceSid = firstValue(fields, 'MessagingServiceSid');

  const numMediaText = firstValue(fields, 'NumMedia') ?? '0';
  const numMedia = Number(numMediaText);
  if (!/^\d{1,2}$/.test(numMediaText) || numMedia > MAX_MEDIA) {
    problems.push(`NumMedia ${JSON.stringify(numMediaText.slice(0, 80))} is not a whole number from 0 to ${MAX_MEDIA}`);
  }

  if (problems.length > 0) {
    throw new InvalidWebhookError(`Invalid inbound message webhook: ${problems.join('; ')}.`);
  }

  const optOutType = firstValue(fields, 'OptOutType');
  return {
    messageSid,
    accountSid,
    from,
    to,
    channel: messagingServiceSid !== undefined && messagingServiceSid !== '' ? messagingServiceSid : to,
    body: firstValue(fields, 'Body') ?? '',
    numMedia,
    optOutType: optOutType === '' ? undefined : optOutType,
    fields,
  };
}
