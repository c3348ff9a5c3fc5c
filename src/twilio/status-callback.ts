import type { StatusEvent } from '../distribution/status-event.ts';
import { InvalidWebhookError } from './inbound-webhook.ts';
import { firstValue, type WebhookFields } from './webhook-form.ts';

// SM for SMS, MM for MMS, then 32 hexadecimal digits.
const MESSAGE_SID = /^[A-Za-z]{2}[0-9a-fA-F]{32}$/;
const ERROR_CODE = /^\d{1,9}$/;

/**
 * Maps Twilio's message status callback to a status event. Twilio sends the status as
 * both `MessageStatus` and the older `SmsStatus`; the first is preferred.
 *
 * @throws InvalidWebhookError naming each missing or malformed field.
 */
export function toStatusEvent(fields: WebhookFields): StatusEvent {
  const problems: string[] = [];

  const messageSid = optional(fields, 'MessageSid');
  if (messageSid === undefined) {
    problems.push('MessageSid is missing');
  } else if (!MESSAGE_SID.test(messageSid)) {
    problems.push(`MessageSid ${JSON.stringify(messageSid.slice(0, 80))} is not a Twilio Message SID`);
  }

  const status = optional(fields, 'MessageStatus') ?? optional(fields, 'SmsStatus');
  if (status === undefined) {
    problems.push('MessageStatus is missing, and so is SmsStatus');
  }

  const errorCodeText = optional(fields, 'ErrorCode');
  if (errorCodeText !== undefined && !ERROR_CODE.test(errorCodeText)) {
    problems.push(`ErrorCode ${JSON.stringify(errorCodeText.slice(0, 80))} is not a whole number`);
  }

  if (problems.length > 0 || messageSid === undefined || status === undefined) {
    throw new InvalidWebhookError(`Invalid status callback: ${problems.join('; ')}.`);
  }

  return {
    messageSid,
    status,
    errorCode: errorCodeText === undefined ? null : Number(errorCodeText),
    // Twilio's status callbacks carry only the code; ErrorMessage is read in case one is sent.
    errorMessage: optional(fields, 'ErrorMessage') ?? null,
    accountSid: optional(fields, 'AccountSid'),
    from: optional(fields, 'From'),
    to: optional(fields, 'To'),
    messagingServiceSid: optional(fields, 'MessagingServiceSid'),
    fields,
  };
}

/** Returns a field's first value, treating an empty value as missing. */
function optional(fields: WebhookFields, name: string): string | undefined {
  const value = firstValue(fields, name);
  return value === '' ? undefined : value;
}
