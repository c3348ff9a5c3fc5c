import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import { PreparedQuery } from './prepared-query.ts';
import type {
  AnswersTable,
  Database,
  MessagesTable,
  NewSession,
  Session,
  SessionUpdate,
  SurveyVersionsTable,
  SuppressionsTable,
} from './tables.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** A message row with every column given, as the prepared insert needs. */
export type MessageRow = Omit<Selectable<MessagesTable>, 'id'>;
/** An answer row with every column given, as the prepared insert needs. */
export type AnswerRow = Omit<Selectable<AnswersTable>, 'id'>;

/** The session columns written after each reply to a survey that goes on. */
export interface SessionProgress {
  snapshot: string;
  last_activity_at: string;
  expires_at: string;
  scores: string | null;
}

// The statements every inbound message runs, compiled once per transaction (see PreparedQuery).
const messageReply = new PreparedQuery((db, values: { messageSid: string }) =>
  db.selectFrom('messages').select('reply').where('message_sid', '=', values.messageSid),
);
const claimMessage = new PreparedQuery((db, row: MessageRow) =>
  db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.column('message_sid').doNothing())
    .returning('id'),
);
// The status is written into the SQL rather than bound: SQLite can rely on the partial
// index `sessions_one_active` only when the condition matches the index's own, and with
// a bound status the lookup took four times as long.
const activeSession = new PreparedQuery((db, values: { respondent: string; channel: string }) =>
  db
    .selectFrom('sessions')
    .selectAll()
    .where('respondent', '=', values.respondent)
    .where('channel', '=', values.channel)
    .where('status', '=', sql.lit('active')),
);
const suppression = new PreparedQuery((db, values: { respondent: string; channel: string }) =>
  db.selectFrom('suppressions').select('respondent').where('respondent', '=', values.respondent).where('channel', '=', values.channel),
);
const insertAnswer = new PreparedQuery((db, row: AnswerRow) => db.insertInto('answers').values(row));
const saveProgress = new PreparedQuery((db, values: SessionProgress & { id: number }) => {
  const { id, ...progress } = values;
  return db.updateTable('sessions').set(progress).where('id', '=', id);
});

/**
 * The queries the conversation engine needs, on whichever executor it is given
 * (usually the transaction of one inbound message). Only Kysely's portable query
 * builder is used, so the same code runs on the PostgreSQL dialect.
 */
export class ConversationStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async findMessageReply(messageSid: string): Promise<{ reply: string | null } | undefined> {
    return messageReply.executeTakeFirst(this.#db, { messageSid });
  }

  /**
   * Claims a MessageSid by inserting its row.
   *
   * @returns false when the MessageSid is already stored, so the caller can roll back.
   */
  async insertMessage(message: MessageRow): Promise<boolean> {
    const inserted = await claimMessage.executeTakeFirst(this.#db, message);
    return inserted !== undefined;
  }

  async findActiveSession(respondent: string, channel: string): Promise<Session | undefined> {
    return activeSession.executeTakeFirst(this.#db, { respondent, channel });
  }

  async findLatestSession(respondent: string, channel: string): Promise<Session | undefined> {
    return this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('respondent', '=', respondent)
      .where('channel', '=', channel)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertSession(session: NewSession): Promise<number> {
    const { id } = await this.#db.insertInto('sessions').values(session).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async updateSession(id: number, update: SessionUpdate): Promise<void> {
    await this.#db.updateTable('sessions').set(update).where('id', '=', id).execute();
  }

  /**
   * Records a session's state after a reply, while the survey goes on. The status
   * columns are left out on purpose: SQLite updates every index on a column that the
   * statement sets, even to the same value, and three session indexes include `status`.
   * In a test, 200 updates that also set `status` wrote 467 WAL pages instead of 189.
   */
  async saveProgress(id: number, progress: SessionProgress): Promise<void> {
    await saveProgress.execute(this.#db, { id, ...progress });
  }

  async insertAnswer(answer: AnswerRow): Promise<void> {
    await insertAnswer.execute(this.#db, answer);
  }

  async isSuppressed(respondent: string, channel: string): Promise<boolean> {
    const row = await suppression.executeTakeFirst(this.#db, { respondent, channel });
    return row !== undefined;
  }

  /** Adds the respondent to the suppression list; an existing entry keeps its first source and time. */
  async suppress(entry: SuppressionsTable): Promise<void> {
    await this.#db
      .insertInto('suppressions')
      .values(entry)
      .onConflict((oc) => oc.columns(['respondent', 'channel']).doNothing())
      .execute();
  }

  async unsuppress(respondent: string, channel: string): Promise<void> {
    await this.#db.deleteFrom('suppressions').where('respondent', '=', respondent).where('channel', '=', channel).execute();
  }

  async saveSurveyVersion(version: SurveyVersionsTable): Promise<void> {
    await this.#db
      .insertInto('survey_versions')
      .values(version)
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
  }

  async findSurveyVersion(hash: string): Promise<SurveyVersionsTable | undefined> {
    return this.#db.selectFrom('survey_versions').selectAll().where('hash', '=', hash).executeTakeFirst();
  }

  /** Returns the ids of the surveys that sessions have used, by first use, oldest first. */
  async listUsedSurveyIds(): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('survey_versions')
      .select('survey_id')
      .groupBy('survey_id')
      .orderBy((eb) => eb.fn.min('first_used_at'))
      .orderBy('survey_id')
      .execute();
    return rows.map((row) => row.survey_id);
  }

  /** Marks every active session whose expiry time has passed as expired; returns how many. */
  async expireSessions(now: string): Promise<number> {
    const result = await this.#db
      .updateTable('sessions')
      .set({ status: 'expired', ended_at: now })
      .where('status', '=', 'active')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
