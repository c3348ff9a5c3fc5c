import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SurveyError } from '../errors.ts';
import { renderFlowChart } from '../surveys/flow-chart.ts';
import { parseSurveyFile, type SurveyVersion } from '../surveys/survey-file.ts';
import { compareCodeUnits, isSurveyFileName } from '../surveys/survey-file-names.ts';

export interface GraphOptions {
  /** Folder searched for a survey named by id. */
  surveysDir: string;
  /** Receives each output line, without a line break. */
  out: (line: string) => void;
  /** Receives each error line, without a line break. */
  err: (line: string) => void;
}

/** Exit codes of `parley graph`. */
export const GRAPH_EXIT = { ok: 0, invalid: 1, notFound: 2 } as const;

/**
 * Runs `parley graph`: prints the flow of one survey as a Mermaid flowchart, which
 * GitHub, GitLab and the Mermaid Live Editor draw. `survey` is a file path, or the id
 * of a survey in the surveys folder.
 *
 * Returns 0 after printing, 1 when the survey file is invalid, and 2 when no file or
 * survey matches.
 *
 * @example
 * const exitCode = await runGraph('phq-2', { surveysDir: 'surveys', out: console.log, err: console.error });
 */
export async function runGraph(survey: string, { surveysDir, out, err }: GraphOptions): Promise<number> {
  let version: SurveyVersion | undefined;
  try {
    version = await loadSurvey(survey, surveysDir, err);
  } catch (error) {
    if (!(error instanceof SurveyError)) throw error;
    err(`parley graph: ${error.file} is invalid; run parley check ${error.file} for details:`);
    for (const problem of error.problems) err(`  ${problem}`);
    return GRAPH_EXIT.invalid;
  }
  if (version === undefined) return GRAPH_EXIT.notFound;

  out(renderFlowChart(version.survey));
  return GRAPH_EXIT.ok;
}

async function loadSurvey(survey: string, surveysDir: string, err: (line: string) => void): Promise<SurveyVersion | undefined> {
  const stats = await stat(survey).catch(() => undefined);
  if (stats?.isFile() === true) return parseSurveyFile(survey, await readFile(survey, 'utf8'));

  let entries: Dirent[];
  try {
    entries = await readdir(surveysDir, { withFileTypes: true });
  } catch {
    err(`parley graph: ${survey} is not a file, and the survey directory ${surveysDir} cannot be read to look it up by id. Name a survey file, or set SURVEYS_DIR.`);
    return undefined;
  }

  const files = entries.filter((entry) => !entry.isDirectory() && isSurveyFileName(entry.name)).map((entry) => entry.name).sort(compareCodeUnits);
  const ids: string[] = [];
  for (const name of files) {
    const file = path.join(surveysDir, name);
    let version: SurveyVersion;
    try {
      version = parseSurveyFile(file, await readFile(file, 'utf8'));
    } catch (error) {
      // An invalid file may be the one meant, but its id cannot be trusted; parley check reports it.
      if (error instanceof SurveyError) continue;
      throw error;
    }
    if (version.survey.id === survey) return version;
    ids.push(version.survey.id);
  }

  const known = ids.length === 0 ? `${surveysDir} has no valid surveys.` : `The surveys in ${surveysDir} are: ${ids.join(', ')}.`;
  err(`parley graph: no survey file or survey id ${JSON.stringify(survey)}. ${known}`);
  return undefined;
}
