import SqliteDatabase from 'better-sqlite3';
import { initialTransition, transition } from 'xstate';
import { buildSurveyMachine } from '../src/engine/survey-machine.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { SurveyVersion } from '../src/surveys/survey-file.ts';

/** Phone number of the benchmark's respondent `index`; seven digits cover a million. */
export function benchRespondent(index: number): string {
  return `+1555${String(index).padStart(7, '0')}`;
}

const ANSWERED_BEFORE_RUN = 4;

/**
 * Creates the schema and `count` active sessions of the benchmark survey, each with
 * its first answers stored, the way Parley would have left them. Rows go in through
 * better-sqlite3 directly because a million sessions through the engine would take hours.
 */
export async function seedSessions(databasePath: string, version: SurveyVersion, count: number): Promise<void> {
  const db = openDatabase(databasePath);
  await migrateToLatest(db);
  await db.destroy();

  const machine = buildSurveyMachine(version.survey);
  let [snapshot] = initialTransition(machine, { languageFromContact: false });
  for (let step = 0; step < ANSWERED_BEFORE_RUN; step++) {
    [snapshot] = transition(machine, snapshot, { type: 'ANSWER', value: 7 });
  }
  const persisted = JSON.stringify(machine.getPersistedSnapshot(snapshot));

  const sqlite = new SqliteDatabase(databasePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  const now = new Date().toISOString();
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();

  sqlite
    .prepare('insert or ignore into survey_versions (hash, survey_id, file, source, first_used_at) values (?, ?, ?, ?, ?)')
    .run(version.hash, version.survey.id, version.file, version.source, now);
  const insertSession = sqlite.prepare(
    `insert into sessions (respondent, channel, survey_id, survey_hash, status, snapshot, started_at, last_activity_at, expires_at)
     values (?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
  );
  const insertAnswer = sqlite.prepare(
    `insert into answers (session_id, question_id, status, message_sid, raw_text, value, answered_at) values (?, ?, 'answered', ?, '7', '7', ?)`,
  );

  const batch = sqlite.transaction((from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const { lastInsertRowid } = insertSession.run(benchRespondent(index), '+15555550100', version.survey.id, version.hash, persisted, now, now, expires);
      for (let question = 0; question < ANSWERED_BEFORE_RUN; question++) {
        insertAnswer.run(lastInsertRowid, version.survey.questions[question]!.id, `SMseed${index}x${question}`, now);
      }
    }
  });
  for (let from = 0; from < count; from += 50_000) {
    batch(from, Math.min(count, from + 50_000));
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
}
