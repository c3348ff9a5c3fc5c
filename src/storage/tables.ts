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

export type SessionStatus = 'active' | 'completed' | 'expired' | 'opted_out' | 'superseded';

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
}

/** Outcome of handling an inbound message, stored for audits and exports. */
export type MessageHandling =
  | 'answer'
  | 'invalid_answer'
  | 'unanswered'
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

export type AnswerStatus = 'answered' | 'unanswered';

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
  /** Origin of the entry: a keyword Parley read, or Twilio's Advanced Opt-Out. */
  source: 'keyword' | 'twilio_opt_out';
  message_sid: string | null;
  created_at: string;
}

export type Session = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type SessionUpdate = Updateable<SessionsTable>;
export type Message = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type NewAnswer = Insertable<AnswersTable>;
export type Answer = Selectable<AnswersTable>;
