import { signTwilioRequest } from '../twilio/webhook-signature.ts';
import { API_VERSION, type FakeMessage, type MessageStatus } from './message-resource.ts';

/** One status callback request the fake sent, with how the receiver responded. */
export interface StatusCallbackRecord {
  messageSid: string;
  url: string;
  status: MessageStatus;
  fields: Record<string, string>;
  /** The receiver's HTTP status; null when no response arrived. */
  responseStatus: number | null;
  /** Why no response arrived: a network error or the timeout. */
  error: string | null;
}

/**
 * Builds the form fields Twilio posts to a message's StatusCallback URL for its
 * current status. `ErrorCode` is present only for a failed or undelivered message,
 * and `MessagingServiceSid` only for a Messaging Service message.
 */
export function statusCallbackFields(message: FakeMessage): Record<string, string> {
  const fields: Record<string, string> = {
    AccountSid: message.accountSid,
    ApiVersion: API_VERSION,
    From: message.from ?? '',
    MessageSid: message.sid,
    MessageStatus: message.status,
    SmsSid: message.sid,
    SmsStatus: message.status,
    To: message.to,
  };
  if (message.messagingServiceSid !== null) fields.MessagingServiceSid = message.messagingServiceSid;
  if (message.errorCode !== null) fields.ErrorCode = String(message.errorCode);
  return fields;
}

export interface StatusCallbackRequest {
  url: string;
  fields: Record<string, string>;
  authToken: string;
  /** Aborts the request, for example when the fake closes. */
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * Posts status callback fields form-encoded, signed with `X-Twilio-Signature` over
 * the URL and fields as Twilio signs them, and returns the receiver's HTTP status.
 * Rejects when no response arrives within `timeoutMs`.
 */
export async function postStatusCallback({ url, fields, authToken, signal, timeoutMs }: StatusCallbackRequest): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signTwilioRequest(authToken, url, fields),
    },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
  });
  // The body is read only to release the connection.
  await response.arrayBuffer();
  return response.status;
}
