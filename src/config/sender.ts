import type { SenderKind } from '../storage/tables.ts';

/** The sender of distributions, with the rate it may send at. */
export interface Sender {
  /** `From` (phone number, short code or sender ID), or a Messaging Service SID. */
  value: string;
  kind: SenderKind;
  /** The rate Parley keeps to, in SMS segments per second. */
  segmentsPerSecond: number;
}

/**
 * Default rates in segments per second, from Twilio's documented throughput for US
 * senders. A Messaging Service pools several senders, so its rate is the operator's
 * to set; 1 is the safe floor. Twilio documents no single figure for sender IDs, so
 * they get the long code's rate until the operator sets one.
 */
export const DEFAULT_SEGMENTS_PER_SECOND: Readonly<Record<SenderKind, number>> = {
  long_code: 1,
  toll_free: 3,
  short_code: 100,
  alphanumeric: 1,
  messaging_service: 1,
};

const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;
const E164 = /^\+[1-9]\d{6,14}$/;
const SHORT_CODE = /^\d{3,8}$/;
// Twilio: up to 11 characters of A-Z, a-z, 0-9 and space, with at least one letter.
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
// North American toll-free area codes.
const NANP_TOLL_FREE = /^\+18(00|33|44|55|66|77|88)\d{7}$/;

/** Returns whether replies to this sender reach Parley; they cannot reach an alphanumeric sender ID. */
export function canReceiveReplies(sender: Pick<Sender, 'kind'>): boolean {
  return sender.kind !== 'alphanumeric';
}

/**
 * Reads `TWILIO_FROM` and `TWILIO_MESSAGING_SERVICE_SID` into a sender, adding a
 * problem for each invalid value.
 */
export function parseSender(
  from: string | undefined,
  messagingServiceSid: string | undefined,
  rate: string | undefined,
  problems: string[],
): Sender | undefined {
  if (from !== undefined && messagingServiceSid !== undefined) {
    problems.push(
      'TWILIO_FROM and TWILIO_MESSAGING_SERVICE_SID are both set: set only one. With a Messaging Service, Twilio picks the number from the service.',
    );
    return undefined;
  }

  let value: string;
  let kind: SenderKind;
  if (messagingServiceSid !== undefined) {
    if (!MESSAGING_SERVICE_SID.test(messagingServiceSid)) {
      problems.push(
        `TWILIO_MESSAGING_SERVICE_SID ${JSON.stringify(messagingServiceSid)} is invalid: expected "MG" followed by 32 hexadecimal characters, as shown in the Twilio Console under Messaging > Services.`,
      );
      return undefined;
    }
    value = messagingServiceSid;
    kind = 'messaging_service';
  } else if (from !== undefined) {
    const detected = senderKindOf(from);
    if (detected === undefined) {
      problems.push(
        `TWILIO_FROM ${JSON.stringify(from)} is invalid: expected a phone number in E.164 format (+15555550100), a short code (3 to 8 digits), or an alphanumeric sender ID (up to 11 letters, digits and spaces, with at least one letter).`,
      );
      return undefined;
    }
    value = from;
    kind = detected;
  } else {
    return undefined;
  }

  return { value, kind, segmentsPerSecond: parseRate(rate, kind, problems) };
}

function senderKindOf(from: string): SenderKind | undefined {
  if (E164.test(from)) return NANP_TOLL_FREE.test(from) ? 'toll_free' : 'long_code';
  if (SHORT_CODE.test(from)) return 'short_code';
  if (SENDER_ID.test(from)) return 'alphanumeric';
  return undefined;
}

function parseRate(rate: string | undefined, kind: SenderKind, problems: string[]): number {
  if (rate === undefined) return DEFAULT_SEGMENTS_PER_SECOND[kind];
  const value = Number(rate);
  if (!/^\d+(\.\d+)?$/.test(rate) || !(value > 0) || value > 10_000) {
    problems.push(
      `TWILIO_SEGMENTS_PER_SECOND ${JSON.stringify(rate)} is invalid: expected a number of SMS segments per second above 0 (for example 1 for a long code, 3 for toll-free, 100 for a short code).`,
    );
    return DEFAULT_SEGMENTS_PER_SECOND[kind];
  }
  return value;
}
