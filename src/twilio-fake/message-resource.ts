import { randomBytes } from 'node:crypto';
import type { SmsEncoding } from '../sms/segments.ts';

export const API_VERSION = '2010-04-01';

/** The outbound statuses the fake moves a message through. */
export type MessageStatus = 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** A message the fake API accepted, as the fake stores it. Tests read these through `FakeTwilio.messages`. */
export interface FakeMessage {
  sid: string;
  accountSid: string;
  to: string;
  /** The sender; for a Messaging Service message, null until the service assigns a number. */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  encoding: SmsEncoding;
  numSegments: number;
  status: MessageStatus;
  /** Every status the message has had, in order, starting with the one the create response showed. */
  statusHistory: MessageStatus[];
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: Date;
  dateUpdated: Date;
  /** When the message left its sender's queue, to the millisecond; `date_sent` is this time to the second. */
  sentAt: Date | null;
}

/** Returns a new Message SID: `SM` and 32 hexadecimal digits. */
export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export function messagesPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
}

export function messagePath(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;
}

/** Formats a date as Twilio does in resources: RFC 2822 in GMT, such as `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function formatRfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * Renders a message as Twilio's Message resource JSON. A Messaging Service message
 * reports `num_segments` "0" until the service has picked a sender, as Twilio does.
 */
export function toMessageResource(message: FakeMessage): Record<string, unknown> {
  const awaitingSender = message.status === 'accepted';
  return {
    account_sid: message.accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: formatRfc2822(message.dateCreated),
    date_sent: message.sentAt === null ? null : formatRfc2822(message.sentAt),
    date_updated: formatRfc2822(message.dateUpdated),
    direction: 'outbound-api',
    error_code: message.errorCode,
    error_message: message.errorMessage,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: '0',
    num_segments: awaitingSender ? '0' : String(message.numSegments),
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.status,
    subresource_uris: {
      media: `/${API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}/Media.json`,
    },
    to: message.to,
    uri: messagePath(message.accountSid, message.sid),
  };
}
