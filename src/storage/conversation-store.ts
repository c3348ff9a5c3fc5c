import { type Kysely, type Transaction, sql } from 'kysely';
import type {
  Database,
  NewAnswer,
  NewMessage,
  NewSession,
  Session,
  SessionUpdate,
  SurveyVersionsTable,
  SuppressionsTable,
} from './tables.ts';

type Executor = Kysely<Database> | Transaction<Database>;

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
    return this.#db.selectFrom('messages').select('reply').where('message_sid', '=', messageSid).executeTakeFirst();
  }

  /**
   * Claims a MessageSid by inserting its row.
   *
   * @returns false when the MessageSid is already stored, so the caller can roll back.
   */
  async insertMessage(message: NewMessage): Promise<boolean> {
    const inserted = await this.#db
      .insertInto('messages')
      .values(message)
      .onConflict((oc) => oc.column('message_sid').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /**
   * The status is written into the SQL rather than bound: SQLite can rely on the partial
   * index `sessions_one_active` only when the condition matches the index's own, and with
   * a bound status the lookup took four times as long.
   */
  async findActiveSession(respondent: string, channel: string): Promise<Session | undefined> {
    return this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('respondent', '=', respondent)
      .where('channel', '=', channel)
      .where('status', '=', sql.lit('active'))
      .executeTakeFirst();
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

  async insertAnswer(answer: NewAnswer): Promise<void> {
    await this.#db.insertInto('answers').values(answer).execute();
  }

  async isSuppressed(respondent: string, channel: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('suppressions')
      .select('respondent')
      .where('respondent', '=', respondent)
      .where('channel', '=', channel)
      .executeTakeFirst();
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
