import type { Kysely } from 'kysely';
import type { AnswerStatus, Database, NewOutboundMessage, SessionStatus } from '../../src/storage/tables.ts';

export const SURVEY_HASH = 'a'.repeat(64);
export const SENDER = '+15555550100';

export interface DistributionRow {
  surveyId?: string;
  sender?: string;
  createdAt?: string;
  sendAt?: string;
}

/** Inserts a distribution, with the survey version and contact list it refers to; returns its id. */
export async function insertDistribution(
  db: Kysely<Database>,
  { surveyId = 'customer-nps', sender = SENDER, createdAt = '2026-12-04T10:00:00.000Z', sendAt = '2026-12-04T12:00:00.000Z' }: DistributionRow = {},
): Promise<number> {
  await db
    .insertInto('survey_versions')
    .values({ hash: SURVEY_HASH, survey_id: surveyId, file: `${surveyId}.json`, source: '{}', first_used_at: createdAt })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
  const list = await db
    .insertInto('contact_lists')
    .values({ name: `list for ${surveyId} at ${createdAt}`, created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  const distribution = await db
    .insertInto('distributions')
    .values({
      survey_id: surveyId,
      survey_hash: SURVEY_HASH,
      list_id: list.id,
      mode: 'interactive',
      sender,
      sender_kind: sender.startsWith('MG') ? 'messaging_service' : 'long_code',
      segments_per_second: 1,
      send_at: sendAt,
      created_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return distribution.id;
}

export type OutboundRow = Partial<NewOutboundMessage> & { distribution_id: number; recipient: string };

/** Inserts an outbox row, and the contact for its recipient when there is none yet; returns the row's id. */
export async function insertOutboundMessage(db: Kysely<Database>, row: OutboundRow): Promise<number> {
  const existing = await db.selectFrom('contacts').select('id').where('phone', '=', row.recipient).executeTakeFirst();
  const contactId =
    existing?.id ??
    (
      await db
        .insertInto('contacts')
        .values({ phone: row.recipient, first_name: null, last_name: null, language: null, timezone: null, fields: '{}', created_at: '2026-12-04T09:00:00.000Z', updated_at: '2026-12-04T09:00:00.000Z' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  const sent = row.state === undefined || row.state === 'sent';
  const inserted = await db
    .insertInto('outbound_messages')
    .values({
      contact_id: contactId,
      sequence: 0,
      sender: SENDER,
      body: 'Reply YES to take our survey.',
      segments: 1,
      encoding: 'GSM-7',
      state: 'sent',
      not_before: '2026-12-04T12:00:00.000Z',
      attempts: sent ? 1 : 0,
      claimed_at: null,
      message_sid: null,
      delivery_status: sent ? 'queued' : null,
      error_code: null,
      error_message: null,
      skip_reason: null,
      session_id: null,
      created_at: '2026-12-04T10:00:00.000Z',
      sent_at: sent ? '2026-12-04T12:00:01.000Z' : null,
      ...row,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

/** Inserts a session with one answer per entry of `answers`; returns the session id. */
export async function insertSession(
  db: Kysely<Database>,
  { respondent, status, answers = [] }: { respondent: string; status: SessionStatus; answers?: AnswerStatus[] },
): Promise<number> {
  const session = await db
    .insertInto('sessions')
    .values({
      respondent,
      channel: SENDER,
      survey_id: 'customer-nps',
      survey_hash: SURVEY_HASH,
      status,
      snapshot: '{}',
      started_at: '2026-12-04T12:00:01.000Z',
      last_activity_at: '2026-12-04T12:05:00.000Z',
      expires_at: '2026-12-05T12:00:00.000Z',
      ended_at: status === 'active' ? null : '2026-12-04T12:05:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  for (const [index, answerStatus] of answers.entries()) {
    await db
      .insertInto('answers')
      .values({
        session_id: session.id,
        question_id: `q${index + 1}`,
        status: answerStatus,
        message_sid: null,
        raw_text: answerStatus === 'answered' ? '9' : null,
        value: answerStatus === 'answered' ? '9' : null,
        answered_at: '2026-12-04T12:05:00.000Z',
      })
      .execute();
  }
  return session.id;
}
