import { createHmac } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { ParleyError } from '../errors.ts';
import { parseSurveyFile } from '../surveys/survey-file.ts';
import { type ChoiceLookup, choiceCells, choiceLookupsOf } from './choice-cells.ts';
import type { Database, SessionStatus } from './tables.ts';

/** A session's status as an export reports it. An active session is a partial response. */
export type ResponseStatus = 'completed' | 'screened_out' | 'partial' | 'expired' | 'opted_out' | 'superseded';

// A Record, so that a new session status fails to compile until it is given a name here.
const RESPONSE_STATUS_OF: Record<SessionStatus, ResponseStatus> = {
  active: 'partial',
  completed: 'completed',
  screened_out: 'screened_out',
  expired: 'expired',
  opted_out: 'opted_out',
  superseded: 'superseded',
};

export const RESPONSE_STATUSES: readonly ResponseStatus[] = ['completed', 'screened_out', 'partial', 'expired', 'opted_out', 'superseded'];

/** Columns every row has, before the question columns. */
export const FIXED_COLUMNS = ['respondent', 'session_id', 'survey_id', 'survey_hash', 'status', 'started_at', 'ended_at'] as const;

/**
 * The column of a session's language, after the fixed columns, in exports of a survey
 * with several languages. It is not named "language", which is a likely id for the
 * survey's language question.
 */
export const LANGUAGE_COLUMN = 'session_language';

/** A question's value column is named after its id, and its status column gets this suffix. */
const STATUS_SUFFIX = '_status';
/** Suffixes of the columns that a choice or multi question adds after its status: the label, and the text of an `other` choice. */
const LABEL_SUFFIX = '_label';
const OTHER_SUFFIX = '_other';

/** A cell of an export. A list is the values or labels of a multi answer. */
export type ExportValue = string | number | boolean | null | string[];

/** One response, keyed by column name. */
export type ResponseRow = Record<string, ExportValue>;

export interface ResponseFilter {
  surveyId: string;
  /** Statuses to export, or undefined for all of them. */
  statuses?: readonly ResponseStatus[] | undefined;
  /** Earliest start time of an exported response. */
  since?: Date | undefined;
}

export interface ResponseExportPlan {
  /** Question ids, one value column and one status column each, in column order. */
  questionIds: string[];
  /** The choice and multi questions of each survey version in the export, by version hash, then by question id. */
  choiceLookups: Map<string, Map<string, ChoiceLookup>>;
  /** Score ids, one column each after the question columns. */
  scoreIds: string[];
  /**
   * The default language of each survey version in the export, by version hash, when one
   * of them has several languages, so the export has a LANGUAGE_COLUMN. Otherwise empty.
   */
  defaultLanguages: Map<string, string>;
  /** Every column name, in order. */
  columns: string[];
}

/**
 * Plans the columns of an export: the fixed columns, the session's language when a
 * version has several languages, then the union of the question ids of the survey
 * versions the matching sessions used. The newest version's
 * questions come first, in its order, then questions that only older versions had.
 * A question that is a choice or multi question in one of those versions also gets a
 * `<id>_label` column, and an `<id>_other` column when one of its choices is `other`.
 *
 * @throws ParleyError `SURVEY_NOT_FOUND`, listing the survey ids the database has
 * responses for, when no session ever used `surveyId`.
 */
export async function planResponseExport(db: Kysely<Database>, filter: ResponseFilter): Promise<ResponseExportPlan> {
  const versions = await db
    .selectFrom('survey_versions')
    .select(['hash', 'file', 'source'])
    .where('survey_id', '=', filter.surveyId)
    .orderBy('first_used_at', 'desc')
    .orderBy('hash')
    .execute();
  if (versions.length === 0) {
    throw await surveyNotFound(db, filter.surveyId);
  }

  const usedHashes = new Set(
    (await db.selectFrom('sessions').where(matchingSessions(filter)).select('survey_hash').distinct().execute()).map((row) => row.survey_hash),
  );
  // With no matching session, the newest version still gives the header its usual shape.
  const used = versions.filter((version) => usedHashes.has(version.hash));
  const headerVersions = used.length > 0 ? used : versions.slice(0, 1);

  const questionIds: string[] = [];
  const scoreIds: string[] = [];
  const choiceLookups = new Map<string, Map<string, ChoiceLookup>>();
  const defaultLanguages = new Map<string, string>();
  let multilingual = false;
  for (const version of headerVersions) {
    const { survey } = parseSurveyFile(version.file, version.source);
    choiceLookups.set(version.hash, choiceLookupsOf(survey));
    defaultLanguages.set(version.hash, survey.languages[0]!);
    multilingual ||= survey.languages.length > 1;
    for (const question of survey.questions) {
      // A message has no answer, so it gets no column.
      if (question.type !== 'message' && !questionIds.includes(question.id)) questionIds.push(question.id);
    }
    for (const scoreId of Object.keys(survey.scores)) {
      if (!scoreIds.includes(scoreId)) scoreIds.push(scoreId);
    }
  }

  const columns: string[] = [...FIXED_COLUMNS, ...(multilingual ? [LANGUAGE_COLUMN] : [])];
  const namedColumns = [
    ...questionIds.map((id) => ({ id, kind: 'Question', names: [id, `${id}${STATUS_SUFFIX}`, ...choiceColumns(id, choiceLookups)] })),
    ...scoreIds.map((id) => ({ id, kind: 'Score', names: [id] })),
  ];
  for (const { id, kind, names } of namedColumns) {
    for (const column of names) {
      if (columns.includes(column)) {
        // NOTE: such a survey cannot be exported until question columns get a prefix or another naming scheme.
        throw new ParleyError(
          'EXPORT_COLUMN_CONFLICT',
          `${kind} id ${JSON.stringify(id)} of survey ${JSON.stringify(filter.surveyId)} gives a column named ${JSON.stringify(column)}, ` +
            'which another column already has, so the export would be ambiguous. Query the answers table directly for this survey.',
        );
      }
      columns.push(column);
    }
  }
  return { questionIds, choiceLookups, scoreIds, defaultLanguages: multilingual ? defaultLanguages : new Map(), columns };
}

/** Names the label and other columns of a question that is a choice or multi question in any version. */
function choiceColumns(questionId: string, choiceLookups: ReadonlyMap<string, ReadonlyMap<string, ChoiceLookup>>): string[] {
  const lookups = [...choiceLookups.values()].flatMap((byQuestion) => byQuestion.get(questionId) ?? []);
  if (lookups.length === 0) return [];

  const hasOther = lookups.some((lookup) => lookup.hasOther);
  return hasOther ? [`${questionId}${LABEL_SUFFIX}`, `${questionId}${OTHER_SUFFIX}`] : [`${questionId}${LABEL_SUFFIX}`];
}

export interface StreamResponsesOptions {
  /** Converts the stored respondent (an E.164 phone number) to what the row shows. */
  formatRespondent?: (respondent: string) => string;
}

/**
 * Streams one row per session that matches `filter`, in session id order, with the
 * columns of `plan`. A question value is the parsed answer (a choice's value, a
 * number, a boolean, a date or text, or a list of values for a multi question), null
 * when unanswered or never reached. A question's status is
 * `answered`, `unanswered` (skipped after too many invalid replies), or null when
 * the session never reached the question, passed over it (a hidden question or one a
 * `goto` jumped over), or its survey version lacks it. `skipped` means the respondent
 * sent the skip word. A score column holds the score stored with the session. It is
 * null while one of the score's questions has no answer. The language column, when the
 * plan has one, holds the session's language: for a session stored before sessions had
 * one, the default language of its survey version.
 *
 * For a choice or multi answer, the label column contains the picked choice's label (a
 * list for multi), and the other column the respondent's own words when the `other`
 * choice was picked, else null.
 *
 * Sessions and answers come from one ordered join that SQLite reads row by row, so
 * memory stays constant whatever the number of responses. Kysely's SQLite driver
 * holds the database's only connection until the stream ends, so the caller must not
 * run other queries on `db` while consuming it.
 */
export async function* streamResponses(
  db: Kysely<Database>,
  filter: ResponseFilter,
  plan: ResponseExportPlan,
  { formatRespondent = (respondent) => respondent }: StreamResponsesOptions = {},
): AsyncGenerator<ResponseRow> {
  const query = db
    .selectFrom('sessions')
    .leftJoin('answers', 'answers.session_id', 'sessions.id')
    .where(matchingSessions(filter))
    .select([
      'sessions.id as session_id',
      'sessions.respondent',
      'sessions.survey_id',
      'sessions.survey_hash',
      'sessions.status',
      'sessions.started_at',
      'sessions.ended_at',
      'sessions.scores',
      'sessions.language',
      'answers.question_id',
      'answers.status as answer_status',
      'answers.value',
    ])
    .orderBy('sessions.id');

  let row: ResponseRow | undefined;
  for await (const joined of query.stream()) {
    if (row?.session_id !== joined.session_id) {
      if (row !== undefined) yield row;
      row = emptyRow(plan);
      row.respondent = formatRespondent(joined.respondent);
      row.session_id = joined.session_id;
      row.survey_id = joined.survey_id;
      row.survey_hash = joined.survey_hash;
      row.status = RESPONSE_STATUS_OF[joined.status] ?? joined.status;
      row.started_at = joined.started_at;
      row.ended_at = joined.ended_at;
      if (plan.defaultLanguages.size > 0) row[LANGUAGE_COLUMN] = joined.language ?? plan.defaultLanguages.get(joined.survey_hash) ?? null;
      fillScores(row, plan, joined.scores);
    }

    // The plan covers every version the matching sessions used, so each question id has its columns.
    if (joined.question_id !== null && joined.question_id in row) {
      const stored: unknown = joined.value === null ? null : JSON.parse(joined.value);
      const lookup = plan.choiceLookups.get(joined.survey_hash)?.get(joined.question_id);
      if (lookup !== undefined && stored !== null) {
        const cells = choiceCells(stored, lookup);
        row[joined.question_id] = cells.value;
        row[`${joined.question_id}${LABEL_SUFFIX}`] = cells.label;
        if (lookup.hasOther) row[`${joined.question_id}${OTHER_SUFFIX}`] = cells.other;
      } else {
        row[joined.question_id] = stored as ExportValue;
      }
      row[`${joined.question_id}${STATUS_SUFFIX}`] = joined.answer_status;
    }
  }
  if (row !== undefined) yield row;
}

/** Minimum salt length for {@link hashRespondent}, because a short salt could be found by trying candidates. */
export const MIN_HASH_SALT_LENGTH = 16;

/**
 * Hashes a respondent's phone number with HMAC-SHA256 keyed by `salt`, as lowercase
 * hex. The same phone and salt always give the same hash, so responses can still be
 * linked across exports that share the salt.
 */
export function hashRespondent(respondent: string, salt: string): string {
  return createHmac('sha256', salt).update(respondent, 'utf8').digest('hex');
}

function fillScores(row: ResponseRow, plan: ResponseExportPlan, stored: string | null): void {
  if (stored === null || plan.scoreIds.length === 0) return;

  const scores = JSON.parse(stored) as Record<string, number>;
  for (const scoreId of plan.scoreIds) {
    if (Object.hasOwn(scores, scoreId)) row[scoreId] = scores[scoreId]!;
  }
}

function emptyRow(plan: ResponseExportPlan): ResponseRow {
  // Without a prototype, a question id such as "__proto__" is an ordinary key.
  const row = Object.create(null) as ResponseRow;
  for (const column of plan.columns) row[column] = null;
  return row;
}

/** Builds the condition that selects the sessions of `filter`. */
function matchingSessions({ surveyId, statuses, since }: ResponseFilter) {
  const sessionStatuses = (Object.keys(RESPONSE_STATUS_OF) as SessionStatus[]).filter(
    (status) => statuses === undefined || statuses.includes(RESPONSE_STATUS_OF[status]),
  );

  return (eb: ExpressionBuilder<Database, 'sessions'>) => {
    const conditions = [eb('sessions.survey_id', '=', surveyId)];
    if (statuses !== undefined) conditions.push(eb('sessions.status', 'in', sessionStatuses));
    if (since !== undefined) conditions.push(eb('sessions.started_at', '>=', since.toISOString()));
    return eb.and(conditions);
  };
}

async function surveyNotFound(db: Kysely<Database>, surveyId: string): Promise<ParleyError> {
  const surveys = await db.selectFrom('survey_versions').select('survey_id').distinct().orderBy('survey_id').execute();
  const known =
    surveys.length === 0
      ? 'The database has no responses yet.'
      : `Surveys with responses: ${surveys.map((survey) => survey.survey_id).join(', ')}.`;
  return new ParleyError('SURVEY_NOT_FOUND', `Survey ${JSON.stringify(surveyId)} has no responses in this database. ${known}`);
}
