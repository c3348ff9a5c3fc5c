/**
 * One message from a respondent, as the engine sees it: no HTTP and no Twilio SDK
 * types, so the engine can be driven from tests or a simulator directly.
 */
export interface InboundMessage {
  /** Unique per message; a second delivery of the same id is answered from storage. */
  messageSid: string;
  accountSid: string;
  /** The respondent's address, normally an E.164 phone number. */
  from: string;
  to: string;
  /** Channel the respondent wrote to: the Messaging Service SID when present, else `to`. */
  channel: string;
  body: string;
  numMedia: number;
  /** Set when the carrier platform already handled an opt-out keyword itself (Twilio's OptOutType). */
  optOutType?: string | undefined;
  /** Every field received, kept verbatim for storage; repeated keys are arrays. */
  fields: Record<string, string | string[]>;
}

export interface InboundResult {
  /** Text to reply with, or null for an empty response. */
  reply: string | null;
  /** True when this MessageSid was already processed and the stored reply was returned. */
  duplicate: boolean;
}

/** A source of the current time, passed in so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
