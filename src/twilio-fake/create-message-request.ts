import { magicNumberError } from './magic-numbers.ts';
import { TwilioApiError } from './twilio-api-error.ts';

/** The fields of a create-message request that the fake understands. */
export interface CreateMessageRequest {
  to: string;
  /** A phone number or alphanumeric sender ID; optional when a Messaging Service is given. */
  from: string | undefined;
  messagingServiceSid: string | undefined;
  body: string;
  statusCallback: string | undefined;
}

const MAX_BODY_CHARACTERS = 1600;
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Reads and validates the form fields of `POST .../Messages.json`. An invalid request
 * throws the `TwilioApiError` that Twilio would return. Missing fields give 21604
 * (`To`), 21603 (`From` or `MessagingServiceSid`) and 21602 (`Body`). A body over 1600
 * characters gives 21617, a `To` that is not E.164 gives 21211, and an invalid
 * `StatusCallback` gives 21609. Twilio's magic test numbers give their own errors.
 */
export function parseCreateMessageRequest(fields: URLSearchParams): CreateMessageRequest {
  const to = nonEmpty(fields.get('To'));
  const from = nonEmpty(fields.get('From'));
  const messagingServiceSid = nonEmpty(fields.get('MessagingServiceSid'));
  const body = nonEmpty(fields.get('Body'));
  const statusCallback = nonEmpty(fields.get('StatusCallback'));

  if (to === undefined) {
    throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
  }
  if (from === undefined && messagingServiceSid === undefined) {
    throw new TwilioApiError(400, 21603, "A 'From' phone number or a 'MessagingServiceSid' is required.");
  }
  // NOTE: MediaUrl (MMS) is not supported, so a message without a Body is always rejected.
  if (body === undefined) {
    throw new TwilioApiError(400, 21602, 'Message body is required.');
  }
  const length = [...body].length;
  if (length > MAX_BODY_CHARACTERS) {
    throw new TwilioApiError(400, 21617, `The message body is ${length} characters long; the maximum is ${MAX_BODY_CHARACTERS}.`);
  }
  // NOTE: Twilio also accepts national numbers and channel addresses such as
  // `whatsapp:+1...`; the fake accepts only E.164 numbers.
  if (!E164.test(to)) {
    throw new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  }
  if (statusCallback !== undefined && !isHttpUrl(statusCallback)) {
    throw new TwilioApiError(400, 21609, `The 'StatusCallback' ${statusCallback} is not a valid http or https URL.`);
  }

  const magicError = magicNumberError(to, from);
  if (magicError !== undefined) throw magicError;

  return { to, from, messagingServiceSid, body, statusCallback };
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
