import { watch, type Dirent, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ParleyError, SurveyError } from '../errors.ts';
import { parseSurveyFile, type SurveyVersion } from './survey-file.ts';
import { compareCodeUnits, isSurveyFileName } from './survey-file-names.ts';
import { duplicateKeywordMessage, duplicateSurveyIdMessage } from './validation-messages.ts';

export interface SurveyCatalogOptions {
  /** Folder of survey files. Only `*.json` directly inside it are read. */
  dir: string;
  logger: Logger;
  /** Quiet time after the last file event before the folder is read again, in milliseconds. */
  debounceMs?: number;
  /**
   * Ids of surveys that sessions have used, oldest first. They keep a contested id or
   * keyword over a file that was never used, so a restart does not change the winner.
   */
  usedSurveyIds?: string[];
}

export interface CatalogLoadResult {
  /** The versions the catalog serves after this load, in file-name order. */
  loaded: SurveyVersion[];
  /** The files rejected by this load. A rejected file may still be served by its last valid version. */
  rejected: SurveyError[];
}

/** Changes found by one reload of the folder, by file. */
export interface CatalogChange {
  added: SurveyVersion[];
  changed: SurveyVersion[];
  removed: SurveyVersion[];
  rejected: SurveyError[];
}

export type CatalogChangeListener = (change: CatalogChange) => void;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

/**
 * The surveys in one folder, by file, id and keyword. Valid files are served and invalid
 * ones are reported, so one bad file never stops the others. When two files claim the
 * same survey id or keyword, a file already served keeps it, then a survey that
 * sessions have used, then the file whose name sorts first.
 *
 * A file that was valid and then becomes invalid or conflicting keeps serving its last
 * valid version to new sessions, and each reload logs the rejection at error level. We
 * chose this over dropping the survey because a half-saved edit would otherwise stop
 * the survey's keyword from working. After a restart the invalid file is simply rejected.
 */
export class SurveyCatalog {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #debounceMs: number;
  readonly #usedSurveyIds: string[];
  readonly #listeners = new Set<CatalogChangeListener>();

  #byFile = new Map<string, SurveyVersion>();
  #byId = new Map<string, SurveyVersion>();
  #byKeyword = new Map<string, SurveyVersion>();

  #queue: Promise<unknown> = Promise.resolve();
  #watcher: FSWatcher | undefined;
  #debounceTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor({ dir, logger, debounceMs = 100, usedSurveyIds = [] }: SurveyCatalogOptions) {
    this.#usedSurveyIds = usedSurveyIds;
    this.#dir = dir;
    this.#logger = logger;
    this.#debounceMs = debounceMs;
  }

  /**
   * Reads every survey file in the folder and replaces the served set.
   *
   * @throws ParleyError `SURVEYS_DIR_NOT_FOUND` when the folder does not exist.
   */
  async load(): Promise<CatalogLoadResult> {
    const change = await this.#enqueue(() => this.#reload());
    return { loaded: this.list(), rejected: change.rejected };
  }

  /** Returns the survey started by `word`, which the caller has already upper-cased. */
  findByKeyword(word: string): SurveyVersion | undefined {
    return this.#byKeyword.get(word);
  }

  get(id: string): SurveyVersion | undefined {
    return this.#byId.get(id);
  }

  /** Returns the served versions in file-name order. */
  list(): SurveyVersion[] {
    return [...this.#byFile.values()];
  }

  /** Registers a listener for changes found by `load()` or by watching. Returns a function that unregisters it. */
  onChange(listener: CatalogChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reloads the folder whenever a survey file in it is added, changed or removed, once
   * events have been quiet for `debounceMs`. A failed reload is logged, never thrown.
   *
   * @throws ParleyError `SURVEYS_DIR_NOT_FOUND` when the folder does not exist.
   */
  watch(): void {
    if (this.#watcher !== undefined || this.#closed) return;

    try {
      this.#watcher = watch(this.#dir, (_eventType, fileName) => {
        // Some platforms report no file name, so any event may concern a survey file.
        if (fileName === null || isSurveyFileName(fileName)) this.#scheduleReload();
      });
    } catch (error) {
      throw this.#directoryError(error);
    }

    this.#watcher.on('error', (error) => {
      this.#logger.error({ err: error, dir: this.#dir }, 'watching the survey directory failed, so file changes are no longer picked up');
    });
    this.#logger.info({ dir: this.#dir }, 'watching the survey directory for changes');
  }

  /** Stops watching. Reloads already under way finish, and later file events are ignored. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#debounceTimer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #scheduleReload(): void {
    clearTimeout(this.#debounceTimer);
    this.#debounceTimer = setTimeout(() => {
      if (this.#closed) return;

      this.#enqueue(() => this.#reload()).catch((error: unknown) => {
        this.#logger.error({ err: error, dir: this.#dir }, 'reloading the survey directory failed, so the catalog is unchanged');
      });
    }, this.#debounceMs);
  }

  /** Runs reloads one at a time, so a slow read never overwrites a newer one. */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #reload(): Promise<CatalogChange> {
    const reads: Array<{ file: string; read: SurveyVersion | SurveyError }> = [];
    for (const fileName of await this.#listSurveyFiles()) {
      const file = path.join(this.#dir, fileName);
      const read = await this.#readSurveyFile(file);
      if (read !== 'missing') reads.push({ file, read });
    }

    // Claim order decides who keeps a contested id or keyword: files already served,
    // then surveys that sessions have used (oldest first), then file-name order. So
    // adding a file never takes a keyword from a survey in use, even after a restart.
    const rank = ({ file, read }: { file: string; read: SurveyVersion | SurveyError }): number => {
      if (this.#byFile.has(file)) return -1;
      const used = read instanceof SurveyError ? -1 : this.#usedSurveyIds.indexOf(read.survey.id);
      return used === -1 ? this.#usedSurveyIds.length : used;
    };
    reads.sort((a, b) => rank(a) - rank(b));

    const rejected: SurveyError[] = [];
    const next = new Map<string, SurveyVersion>();
    const fileById = new Map<string, string>();
    const fileByKeyword = new Map<string, string>();

    for (const { file, read } of reads) {
      const previous = this.#byFile.get(file);
      const problem = read instanceof SurveyError ? read : this.#findConflict(read, fileById, fileByKeyword);
      let served: SurveyVersion | undefined;

      if (problem !== undefined) {
        rejected.push(problem);
        served = this.#lastValidVersion(previous, problem, fileById, fileByKeyword);
      } else if (!(read instanceof SurveyError)) {
        // An unchanged file keeps its SurveyVersion object, so callers can compare versions by identity.
        served = previous?.hash === read.hash ? previous : read;
      }
      if (served === undefined) continue;

      next.set(file, served);
      fileById.set(served.survey.id, file);
      for (const keyword of served.survey.keywords) fileByKeyword.set(keyword, file);
    }

    // Served files stay in file-name order, whatever order they claimed in.
    const change = this.#replaceServed(new Map([...next].sort(([a], [b]) => compareCodeUnits(a, b))), rejected);
    this.#notify(change);
    return change;
  }

  /** Logs a rejected file and returns the version to keep serving for it, if any. */
  #lastValidVersion(
    previous: SurveyVersion | undefined,
    problem: SurveyError,
    fileById: Map<string, string>,
    fileByKeyword: Map<string, string>,
  ): SurveyVersion | undefined {
    const { file, problems } = problem;

    if (previous === undefined || this.#findConflict(previous, fileById, fileByKeyword) !== undefined) {
      this.#logger.error({ file, problems }, 'survey file rejected');
      return undefined;
    }
    this.#logger.error(
      { file, problems, surveyId: previous.survey.id, hash: previous.hash },
      'survey file rejected, so new sessions keep using its last valid version',
    );
    return previous;
  }

  async #listSurveyFiles(): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.#dir, { withFileTypes: true });
    } catch (error) {
      throw this.#directoryError(error);
    }

    return entries
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isSurveyFileName(entry.name))
      .map((entry) => entry.name)
      .sort(compareCodeUnits);
  }

  /** Returns the parsed file, its problems, or 'missing' when it was deleted after the folder was listed. */
  async #readSurveyFile(file: string): Promise<SurveyVersion | SurveyError | 'missing'> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 'missing';
      return new SurveyError(file, [`the file could not be read: ${(error as Error).message}. Check that it is a readable file.`]);
    }

    let source: string;
    try {
      source = utf8.decode(bytes);
    } catch {
      return new SurveyError(file, ['the file is not valid UTF-8 text. Save it with the UTF-8 encoding.']);
    }

    try {
      return parseSurveyFile(file, source);
    } catch (error) {
      if (error instanceof SurveyError) return error;
      throw error;
    }
  }

  /** Returns a SurveyError when an earlier file already claims the version's survey id or one of its keywords. */
  #findConflict(
    version: SurveyVersion,
    fileById: Map<string, string>,
    fileByKeyword: Map<string, string>,
  ): SurveyError | undefined {
    const problems: string[] = [];
    const { id, keywords } = version.survey;

    const idOwner = fileById.get(id);
    if (idOwner !== undefined) {
      problems.push(`$.id: ${duplicateSurveyIdMessage(id, idOwner)}`);
    }
    keywords.forEach((keyword, index) => {
      const keywordOwner = fileByKeyword.get(keyword);
      if (keywordOwner === undefined) return;
      problems.push(`$.keywords[${index}]: ${duplicateKeywordMessage(keyword, keywordOwner)}`);
    });

    return problems.length === 0 ? undefined : new SurveyError(version.file, problems);
  }

  #replaceServed(next: Map<string, SurveyVersion>, rejected: SurveyError[]): CatalogChange {
    const change: CatalogChange = { added: [], changed: [], removed: [], rejected };

    for (const [file, version] of next) {
      const previous = this.#byFile.get(file);
      if (previous === undefined) change.added.push(version);
      else if (previous.hash !== version.hash) change.changed.push(version);
    }
    for (const [file, previous] of this.#byFile) {
      if (!next.has(file)) change.removed.push(previous);
    }

    this.#byFile = next;
    this.#byId = new Map([...next.values()].map((version) => [version.survey.id, version]));
    this.#byKeyword = new Map([...next.values()].flatMap((version) => version.survey.keywords.map((keyword) => [keyword, version])));

    for (const [message, versions] of [
      ['survey added', change.added],
      ['survey changed', change.changed],
      ['survey removed', change.removed],
    ] as const) {
      for (const { file, hash, survey } of versions) {
        this.#logger.info({ file, surveyId: survey.id, hash, keywords: survey.keywords }, message);
      }
    }
    return change;
  }

  #notify(change: CatalogChange): void {
    const { added, changed, removed, rejected } = change;
    if (added.length + changed.length + removed.length + rejected.length === 0) return;

    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.error({ err: error, dir: this.#dir }, 'a survey catalog change listener threw');
      }
    }
  }

  #directoryError(error: unknown): ParleyError {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return new ParleyError(
        'SURVEYS_DIR_NOT_FOUND',
        `Survey directory ${this.#dir} was not found. Create it, or set SURVEYS_DIR to the folder that contains the survey .json files.`,
        { cause: error },
      );
    }
    return new ParleyError(
      'SURVEYS_DIR_UNREADABLE',
      `Survey directory ${this.#dir} could not be read: ${(error as Error).message}. Check its permissions, or set SURVEYS_DIR to another folder.`,
      { cause: error },
    );
  }
}
