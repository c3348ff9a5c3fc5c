import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParleyError } from '../src/errors.ts';
import { SurveyCatalog, type CatalogChange } from '../src/surveys/survey-catalog.ts';

const silentLogger = pino({ level: 'silent' });
const WAIT = { timeout: 5000, interval: 20 };

let dir: string;
let catalog: SurveyCatalog | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-catalog-'));
});

afterEach(async () => {
  catalog?.close();
  catalog = undefined;
  await rm(dir, { recursive: true, force: true });
});

function survey(id: string, keywords: string[], title = `Survey ${id}`) {
  return {
    id,
    title,
    keywords,
    questions: [{ id: 'score', type: 'nps', text: 'How likely are you to recommend us? Reply 0-10.' }],
    end: 'Thanks!',
  };
}

async function writeSurvey(fileName: string, content: unknown): Promise<void> {
  const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
  await writeFile(path.join(dir, fileName), text);
}

function createCatalog(logger = silentLogger): SurveyCatalog {
  catalog = new SurveyCatalog({ dir, logger });
  return catalog;
}

describe('SurveyCatalog.load', () => {
  it('serves valid files and reports invalid ones', async () => {
    await writeSurvey('a-valid.json', survey('feedback', ['feedback']));
    await writeSurvey('b-invalid.json', { ...survey('broken', ['BROKEN']), choises: [] });

    const { loaded, rejected } = await createCatalog().load();

    expect(loaded.map((version) => version.survey.id)).toEqual(['feedback']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.file).toBe(path.join(dir, 'b-invalid.json'));
    expect(rejected[0]!.problems).toEqual([
      '$.choises (line 15, column 3): unknown property "choises". Remove it or correct its name. The properties allowed in a survey are "$schema", "id", "title", "keywords", "intro", "questions", "end", "maxRetries", "expiresAfter", "reminders", "ends", "scores", "skipWord", "languages", "messages".',
    ]);
  });

  it('finds surveys by id and upper-cased keyword', async () => {
    await writeSurvey('feedback.json', survey('feedback', ['feedback', 'Nps']));
    const surveys = createCatalog();
    await surveys.load();

    expect(surveys.get('feedback')?.file).toBe(path.join(dir, 'feedback.json'));
    expect(surveys.findByKeyword('NPS')?.survey.id).toBe('feedback');
    expect(surveys.findByKeyword('FEEDBACK')?.survey.id).toBe('feedback');
    expect(surveys.findByKeyword('feedback')).toBeUndefined();
    expect(surveys.get('missing')).toBeUndefined();
  });

  it('lists surveys in file-name order', async () => {
    await writeSurvey('b.json', survey('second', ['TWO']));
    await writeSurvey('a.json', survey('first', ['ONE']));
    await writeSurvey('C.json', survey('capital', ['THREE']));

    const { loaded } = await createCatalog().load();

    expect(loaded.map((version) => path.basename(version.file))).toEqual(['C.json', 'a.json', 'b.json']);
  });

  it('ignores other files, dotfiles and subfolders', async () => {
    await writeSurvey('feedback.json', survey('feedback', ['FEEDBACK']));
    await writeSurvey('notes.txt', 'not a survey');
    await writeSurvey('feedback.json~', 'an editor backup');
    await writeSurvey('.#feedback.json', 'an editor lock file');
    await mkdir(path.join(dir, 'drafts'));
    await writeFile(path.join(dir, 'drafts', 'draft.json'), '{');

    const { loaded, rejected } = await createCatalog().load();

    expect(loaded.map((version) => version.survey.id)).toEqual(['feedback']);
    expect(rejected).toEqual([]);
  });

  it('rejects a keyword already used by an earlier file', async () => {
    await writeSurvey('a.json', survey('first', ['FEEDBACK']));
    await writeSurvey('b.json', survey('second', ['SECOND', 'feedback']));

    const surveys = createCatalog();
    const { loaded, rejected } = await surveys.load();

    expect(loaded.map((version) => version.survey.id)).toEqual(['first']);
    expect(rejected.map((error) => error.file)).toEqual([path.join(dir, 'b.json')]);
    expect(rejected[0]!.problems).toEqual([
      `$.keywords[1]: keyword "FEEDBACK" is already used by ${path.join(dir, 'a.json')}, so texting it could start only one of the two surveys. Choose another keyword, or remove it from one of the two files.`,
    ]);
    expect(surveys.findByKeyword('FEEDBACK')?.survey.id).toBe('first');
    expect(surveys.findByKeyword('SECOND')).toBeUndefined();
  });

  it('rejects a survey id already used by an earlier file', async () => {
    await writeSurvey('a.json', survey('feedback', ['ONE']));
    await writeSurvey('b.json', survey('feedback', ['TWO']));

    const { loaded, rejected } = await createCatalog().load();

    expect(loaded.map((version) => path.basename(version.file))).toEqual(['a.json']);
    expect(rejected[0]!.problems).toEqual([
      `$.id: survey id "feedback" is already used by ${path.join(dir, 'a.json')}. Give this survey another id, or remove one of the two files.`,
    ]);
  });

  it('keeps a served keyword when a new file claims it', async () => {
    await writeSurvey('event.json', survey('event', ['EVENT']));
    const surveys = createCatalog();
    await surveys.load();

    await writeSurvey('aa-conference.json', survey('conference', ['EVENT']));
    const { loaded, rejected } = await surveys.load();

    expect(loaded.map((version) => version.survey.id)).toEqual(['event']);
    expect(rejected.map((error) => path.basename(error.file))).toEqual(['aa-conference.json']);
    expect(surveys.findByKeyword('EVENT')?.survey.id).toBe('event');
  });

  it('keeps a used survey\'s keyword after a restart', async () => {
    await writeSurvey('a-store.json', survey('store', ['FEEDBACK']));
    await writeSurvey('customer.json', survey('customer-nps', ['FEEDBACK']));

    const surveys = new SurveyCatalog({ dir, logger: silentLogger, usedSurveyIds: ['customer-nps'] });
    const { loaded, rejected } = await surveys.load();

    expect(loaded.map((version) => version.survey.id)).toEqual(['customer-nps']);
    expect(rejected.map((error) => path.basename(error.file))).toEqual(['a-store.json']);
    surveys.close();
  });

  it('rejects a file that is not UTF-8', async () => {
    await writeFile(path.join(dir, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));

    const { rejected } = await createCatalog().load();

    expect(rejected[0]!.problems).toEqual(['the file is not valid UTF-8 text. Save it with the UTF-8 encoding.']);
  });

  it('throws when the directory is missing', async () => {
    const missing = path.join(dir, 'no-such-folder');
    const surveys = new SurveyCatalog({ dir: missing, logger: silentLogger });

    const error = await surveys.load().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('SURVEYS_DIR_NOT_FOUND');
    expect((error as ParleyError).message).toBe(
      `Survey directory ${missing} was not found. Create it, or set SURVEYS_DIR to the folder that contains the survey .json files.`,
    );
  });

  it('logs a rejected file at error level', async () => {
    const entries: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => entries.push(JSON.parse(line)) });
    await writeSurvey('broken.json', '{');

    await createCatalog(logger).load();

    const rejection = entries.find((entry) => entry.msg === 'survey file rejected');
    expect(rejection?.level).toBe(50);
    expect(rejection?.file).toBe(path.join(dir, 'broken.json'));
    expect(rejection?.problems).toEqual([
      'line 1, column 2: invalid JSON: expected a property name in double quotes, got the end of the file.',
    ]);
  });

  it('keeps the same version object for an unchanged file', async () => {
    await writeSurvey('feedback.json', survey('feedback', ['FEEDBACK']));
    const surveys = createCatalog();

    const first = (await surveys.load()).loaded[0];
    const second = (await surveys.load()).loaded[0];

    expect(second).toBe(first);
  });
});

describe('SurveyCatalog.watch', () => {
  async function watchedCatalog(): Promise<{ surveys: SurveyCatalog; changes: CatalogChange[] }> {
    const surveys = createCatalog();
    await surveys.load();
    const changes: CatalogChange[] = [];
    surveys.onChange((change) => changes.push(change));
    surveys.watch();
    return { surveys, changes };
  }

  it('reloads an edited file', async () => {
    await writeSurvey('feedback.json', survey('feedback', ['FEEDBACK'], 'Old title'));
    const { surveys } = await watchedCatalog();

    await writeSurvey('feedback.json', survey('feedback', ['FEEDBACK'], 'New title'));

    await vi.waitFor(() => expect(surveys.get('feedback')?.survey.title).toBe('New title'), WAIT);
  });

  it('reports added and removed files', async () => {
    await writeSurvey('old.json', survey('old', ['OLD']));
    const { surveys, changes } = await watchedCatalog();

    await writeSurvey('new.json', survey('new', ['NEW']));
    await vi.waitFor(() => expect(surveys.findByKeyword('NEW')?.survey.id).toBe('new'), WAIT);
    await unlink(path.join(dir, 'old.json'));
    await vi.waitFor(() => expect(surveys.get('old')).toBeUndefined(), WAIT);

    expect(changes.flatMap((change) => change.added).map((version) => version.survey.id)).toEqual(['new']);
    expect(changes.flatMap((change) => change.removed).map((version) => version.survey.id)).toEqual(['old']);
  });

  it('keeps the last valid version after a bad edit', async () => {
    await writeSurvey('feedback.json', survey('feedback', ['FEEDBACK'], 'Good title'));
    const { surveys, changes } = await watchedCatalog();
    const good = surveys.get('feedback');

    await writeSurvey('feedback.json', '{ "id": "feedback", ');
    await vi.waitFor(() => expect(changes.flatMap((change) => change.rejected)).toHaveLength(1), WAIT);

    expect(surveys.get('feedback')).toBe(good);
    expect(surveys.findByKeyword('FEEDBACK')).toBe(good);
    expect(changes.flatMap((change) => change.rejected)[0]!.file).toBe(path.join(dir, 'feedback.json'));

    await writeSurvey('feedback.json', survey('feedback', ['FEEDBACK'], 'Fixed title'));
    await vi.waitFor(() => expect(surveys.get('feedback')?.survey.title).toBe('Fixed title'), WAIT);
  });

  it('logs a failed reload instead of throwing', async () => {
    const entries: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => entries.push(JSON.parse(line)) });
    await writeSurvey('feedback.json', survey('feedback', ['FEEDBACK']));
    const surveys = createCatalog(logger);
    await surveys.load();
    surveys.watch();

    await rm(dir, { recursive: true, force: true });

    await vi.waitFor(() => {
      const failure = entries.find((entry) => entry.msg === 'reloading the survey directory failed, so the catalog is unchanged');
      expect(failure?.level).toBe(50);
    }, WAIT);
    expect(surveys.get('feedback')?.survey.id).toBe('feedback');
  });
});
