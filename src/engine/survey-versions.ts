import type { Logger } from 'pino';
import { ParleyError } from '../errors.ts';
import type { SurveyCatalog } from '../surveys/survey-catalog.ts';
import { parseSurveyFile, type SurveyVersion } from '../surveys/survey-file.ts';
import type { ConversationStore } from '../storage/conversation-store.ts';
import { buildSurveyMachine, type SurveyMachine } from './survey-machine.ts';

export interface CompiledSurvey {
  version: SurveyVersion;
  machine: SurveyMachine;
}

/**
 * Machines by survey version hash. A session resumes on the version it started on:
 * from the catalog while that file is unchanged, otherwise from the copy stored in
 * `survey_versions` when the session began.
 */
export class SurveyVersions {
  readonly #catalog: SurveyCatalog;
  readonly #logger: Logger;
  readonly #compiled = new Map<string, CompiledSurvey>();

  constructor(catalog: SurveyCatalog, logger: Logger) {
    this.#catalog = catalog;
    this.#logger = logger;
  }

  compile(version: SurveyVersion): CompiledSurvey {
    let compiled = this.#compiled.get(version.hash);
    if (compiled === undefined) {
      compiled = { version, machine: buildSurveyMachine(version.survey) };
      this.#compiled.set(version.hash, compiled);
    }
    return compiled;
  }

  /** Stores the version's text so that sessions can outlive the file. Call before a session uses it. */
  async remember(version: SurveyVersion, store: ConversationStore, now: string): Promise<void> {
    await store.saveSurveyVersion({
      hash: version.hash,
      survey_id: version.survey.id,
      file: version.file,
      source: version.source,
      first_used_at: now,
    });
  }

  async load(hash: string, store: ConversationStore): Promise<CompiledSurvey> {
    const cached = this.#compiled.get(hash);
    if (cached !== undefined) return cached;

    const current = this.#catalog.list().find((version) => version.hash === hash);
    if (current !== undefined) return this.compile(current);

    const stored = await store.findSurveyVersion(hash);
    if (stored === undefined) {
      throw new ParleyError(
        'SURVEY_VERSION_MISSING',
        `Survey version ${hash} is not in the survey_versions table; the session that uses it cannot resume.`,
      );
    }
    this.#logger.info({ surveyId: stored.survey_id, hash }, 'resuming a session on an earlier survey version');
    return this.compile(parseSurveyFile(stored.file, stored.source));
  }
}
