import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Kysely's view of Parley's tables. Timestamps are ISO-8601 strings in UTC, which
 * sort correctly as text on SQLite and convert cleanly on PostgreSQL.
 */
export interface Database {
  survey_versions: SurveyVersionsTable;
  sessions: SessionsTable;
  messages: MessagesTable;
  answers: AnswersTable;
  suppressions: SuppressionsTable;
  contacts: ContactsTable;
  contact_lists: ContactListsTable;
  contact_list_members: ContactListMembersTable;
  distributions: DistributionsTable;
  outbound_messages: OutboundMessagesTable;
  message_status_events: MessageStatusEventsTable;
}

/** Every survey version a session ever used, so the session can resume on it after the file changes. */
export interface SurveyVersionsTable {
  /** SHA-256 of the exact file bytes. */
  hash: string;
  survey_id: string;
  file: string;
  /** The file's text as it was loaded. */
  source: string;
  first_used_at: string;
}

/** `screened_out`: the survey went to an end marked `screenOut`. */
export type SessionStatus = 'active' | 'completed' | 'screened_out' | 'expired' | 'opted_out' | 'superseded';

export interface SessionsTable {
  id: Generated<number>;
  respondent: string;
  /** The `To` number, or the Messaging Service SID when the message came through one. */
  channel: string;
  survey_id: string;
  survey_hash: string;
  status: SessionStatus;
  /** XState persisted snapshot, as JSON. */
  snapshot: string;
  started_at: string;
  last_activity_at: string;
  expires_at: string;
  ended_at: string | null;
  /** The survey's scores computed from the answers so far, as a JSON object by score id, or null when the survey has none. */
  scores: string | null;
  /** The end the session reached: "end" for the end message, or an id from the survey's `ends`. */
  end_id: string | null;
  /**
   * The BCP 47 language the session's texts are sent in, one of the survey's languages.
   * Null for a session started before languages existed, which uses the survey's default.
   */
  language: string | null;
}

/** Outcome of handling an inbound message, stored for audits and exports. */
export type MessageHandling =
  | 'answer'
  | 'invalid_answer'
  | 'unanswered'
  | 'skipped'
  | 'survey_started'
  | 'opt_out'
  | 'opt_in'
  | 'help'
  | 'twilio_opt_out'
  | 'twilio_opt_in'
  | 'twilio_help'
  | 'suppressed'
  | 'no_session'
  | 'survey_closed';

export interface MessagesTable {
  id: Generated<number>;
  /** Twilio's MessageSid; unique, so a redelivery cannot be recorded twice. */
  message_sid: string;
  account_sid: string;
  respondent: string;
  channel: string;
  body: string;
  num_media: number;
  /** Every form field Twilio sent, as JSON, repeated keys as arrays, so no field is lost. */
  fields: string;
  received_at: string;
  session_id: number | null;
  question_id: string | null;
  handled_as: MessageHandling;
  /** The reply sent in the TwiML response, or null for an empty response. Replayed on redelivery. */
  reply: string | null;
}

/** `skipped`: the respondent sent the skip word to an optional question. */
export type AnswerStatus = 'answered' | 'unanswered' | 'skipped';

export interface AnswersTable {
  id: Generated<number>;
  session_id: number;
  question_id: string;
  status: AnswerStatus;
  /** The message that gave the answer, or the last invalid attempt for an unanswered question. */
  message_sid: string | null;
  raw_text: string | null;
  /** Parsed value as JSON; null when unanswered. */
  value: string | null;
  answered_at: string;
}

export interface SuppressionsTable {
  respondent: string;
  channel: string;
  /**
   * Origin of the entry: a keyword Parley read, Twilio's Advanced Opt-Out, or Twilio's
   * error 21610 (the recipient unsubscribed from the sender) on a send.
   */
  source: SuppressionSource;
  message_sid: string | null;
  created_at: string;
}

export type SuppressionSource = 'keyword' | 'twilio_opt_out' | 'twilio_21610';

export interface ContactsTable {
  id: Generated<number>;
  /** E.164, unique: importing the same number again updates the contact. */
  phone: string;
  first_name: string | null;
  last_name: string | null;
  /** BCP 47 language tag, such as `es` or `pt-BR`. */
  language: string | null;
  /** IANA time zone, such as `America/Chicago`; null means guess it from the phone number. */
  timezone: string | null;
  /** Every other CSV column, as a JSON object of strings, for piping into messages. */
  fields: string;
  created_at: string;
  updated_at: string;
}

export interface ContactListsTable {
  id: Generated<number>;
  name: string;
  created_at: string;
}

export interface ContactListMembersTable {
  list_id: number;
  contact_id: number;
  added_at: string;
}

export type DistributionMode = 'interactive' | 'link';

/** Kind of sender a distribution uses, which sets the default sending rate. */
export type SenderKind = 'long_code' | 'toll_free' | 'short_code' | 'alphanumeric' | 'messaging_service';

export interface DistributionsTable {
  id: Generated<number>;
  survey_id: string;
  /** The survey version the invites were written from and the sessions run on. */
  survey_hash: string;
  list_id: number;
  mode: DistributionMode;
  /** Phone number, short code, sender ID, or Messaging Service SID. */
  sender: string;
  sender_kind: SenderKind;
  segments_per_second: number;
  /** Earliest time of the first invite. */
  send_at: string;
  created_at: string;
}

/**
 * State of an outbound message in the outbox:
 * - `pending`: waiting for its time, the quiet hours to end, or the sender's rate;
 * - `sending`: claimed, and the request to Twilio may be in flight;
 * - `sent`: Twilio accepted it (`message_sid` is set);
 * - `failed`: Twilio refused it for good, or every retry failed;
 * - `skipped`: not sent on purpose, with `skip_reason`.
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** Statuses Twilio reports for an outbound message. */
export type DeliveryStatus =
  | 'accepted'
  | 'scheduled'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'read'
  | 'canceled';

export interface OutboundMessagesTable {
  id: Generated<number>;
  distribution_id: number;
  contact_id: number;
  /** 0 for the invite, 1 and up for the survey's reminders in order. */
  sequence: number;
  recipient: string;
  sender: string;
  body: string;
  /** SMS segments of `body`, counted before sending. */
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  state: OutboxState;
  /** Earliest send time; moved later by sending hours and retries. */
  not_before: string;
  /**
   * The `not_before` a row had before it was held for sending hours, or null. The
   * dispatcher restores it when it starts, so that a changed SEND_WINDOW also applies
   * to rows held under the old one.
   */
  held_from: string | null;
  /** Requests made to Twilio for this message. */
  attempts: number;
  /** When the last request was claimed; a `sending` row older than the lease is reconciled with Twilio. */
  claimed_at: string | null;
  message_sid: string | null;
  /** Twilio's latest status; only ever moves forward. */
  delivery_status: DeliveryStatus | null;
  /** Twilio's error code for `delivery_status` or for a refused request; null when it has none. */
  error_code: number | null;
  error_message: string | null;
  skip_reason: string | null;
  /** The session an interactive invite opened, or that a reminder is for. */
  session_id: number | null;
  created_at: string;
  sent_at: string | null;
}

export interface MessageStatusEventsTable {
  id: Generated<number>;
  message_sid: string;
  status: string;
  error_code: number | null;
  /** Every form field of the callback, as JSON. */
  fields: string;
  received_at: string;
}

export type Session = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
export type Message = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type NewAnswer = Insertable<AnswersTable>;
export type Answer = Selectable<AnswersTable>;
export type Contact = Selectable<ContactsTable>;
export type Distribution = Selectable<DistributionsTable>;
export type OutboundMessage = Selectable<OutboundMessagesTable>;
export type NewOutboundMessage = Insertable<OutboundMessagesTable>;
