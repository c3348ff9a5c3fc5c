import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { SurveyError } from '../errors.ts';
import { JsonSyntaxError, parseLocatedJson, type LocatedJson, type SourcePosition } from './located-json.ts';
import { surveySchema, type Survey } from './survey-schema.ts';
import { readTranslations } from './survey-translations.ts';
import { fallbackIssueMessage } from './validation-messages.ts';

/** One validated survey file. `hash` identifies this exact content, so sessions can pin the version they started on. */
export interface SurveyVersion {
  /** The survey in its default language, the first of its `languages`. */
  survey: Survey;
  /** The survey in each of its languages, by BCP 47 tag, the default language first. */
  byLanguage: ReadonlyMap<string, Survey>;
  /** SHA-256 of the file's bytes (the source as UTF-8, byte order mark included), in hex. */
  hash: string;
  file: string;
  source: string;
}

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Parses and validates the text of a survey file. `file` is used only in messages. A
 * survey with several languages is validated once in each, so a problem in a translation
 * is reported at the path of that translation, such as `$.questions[0].text.es`.
 *
 * @throws SurveyError listing every problem, each as `<JSON path> (line L, column C): <what is
 * wrong>. <what to change>`, or a single `line L, column C: invalid JSON: ...` problem.
 */
export function parseSurveyFile(file: string, source: string): SurveyVersion {
  const hash = createHash('sha256').update(source, 'utf8').digest('hex');
  const text = source.startsWith(BYTE_ORDER_MARK) ? source.slice(BYTE_ORDER_MARK.length) : source;

  let json: LocatedJson;
  try {
    json = parseLocatedJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new SurveyError(file, [`${formatPosition(error.position)}: invalid JSON: ${error.message}`]);
  }

  const problems: LocatedProblem[] = json.duplicateProperties.map((duplicate) => ({
    position: duplicate.position,
    text:
      `${formatJsonPath(duplicate.path)} (${formatPosition(duplicate.position)}): duplicate property ${JSON.stringify(duplicate.path.at(-1))}, ` +
      `first set at ${formatPosition(duplicate.firstPosition)}. Only the last value would count, so remove one of them.`,
  }));

  const translations = readTranslations(json.value);
  problems.push(...translations.problems.map(({ path, message }) => locateProblem(path, message, json)));

  const byLanguage = new Map<string, Survey>();
  for (const language of translations.languages) {
    const result = surveySchema.safeParse(translations.jsonIn(language), { error: fallbackIssueMessage, reportInput: true });
    if (result.success) {
      byLanguage.set(language, { ...result.data, language });
    } else {
      problems.push(...result.error.issues.map((issue) => describeIssue(issue, json, (path) => translations.filePath(language, path))));
    }
  }

  const survey = byLanguage.get(translations.languages[0]!);
  if (problems.length > 0 || survey === undefined) {
    // A problem outside the translations is found in every language, so it is listed once.
    const texts = [...new Set(sortByPosition(problems).map((problem) => problem.text))];
    throw new SurveyError(file, texts);
  }
  return { survey, byLanguage, hash, file, source };
}

/** Returns the survey in `language`, or in its default language when it does not have that one. */
export function surveyInLanguage(version: SurveyVersion, language: string | null | undefined): Survey {
  return (language === null || language === undefined ? undefined : version.byLanguage.get(language)) ?? version.survey;
}

interface LocatedProblem {
  position: SourcePosition | undefined;
  text: string;
}

/** Locates a schema issue. `filePath` maps a path in the validated copy to the path in the file. */
function describeIssue(issue: z.core.$ZodIssue, json: LocatedJson, filePath: (path: readonly PropertyKey[]) => PropertyKey[]): LocatedProblem {
  let path = issue.path;

  // A single unknown property is reported at the property itself, so the position points at the typo.
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) {
    path = [...path, issue.keys[0]!];
  }
  return locateProblem(filePath(path), issue.message, json);
}

function locateProblem(issuePath: readonly PropertyKey[], message: string, json: LocatedJson): LocatedProblem {
  let path = issuePath;

  // A missing property has no position of its own, so the problem names the object that lacks it.
  while (path.length > 0 && json.positionOf(path) === undefined) {
    path = path.slice(0, -1);
  }

  const position = json.positionOf(path);
  const where = position === undefined ? formatJsonPath(path) : `${formatJsonPath(path)} (${formatPosition(position)})`;
  return { position, text: `${where}: ${message}` };
}

function sortByPosition(problems: LocatedProblem[]): LocatedProblem[] {
  const rank = (position: SourcePosition | undefined) =>
    position === undefined ? Number.MAX_SAFE_INTEGER : position.line * 1_000_000 + position.column;

  return [...problems].sort((a, b) => rank(a.position) - rank(b.position));
}

function formatPosition(position: SourcePosition): string {
  return `line ${position.line}, column ${position.column}`;
}

/** Formats a path as JSONPath, such as `$.questions[1].choices`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let formatted = '$';
  for (const segment of path) {
    if (typeof segment === 'number') formatted += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(segment))) formatted += `.${String(segment)}`;
    else formatted += `[${JSON.stringify(String(segment))}]`;
  }
  return formatted;
}
