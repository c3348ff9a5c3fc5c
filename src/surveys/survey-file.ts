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
  const sharedProblems = new SharedProblems();
  for (const language of translations.languages) {
    const result = surveySchema.safeParse(translations.jsonIn(language), { error: fallbackIssueMessage, reportInput: true });
    if (result.success) {
      byLanguage.set(language, { ...result.data, language });
      continue;
    }

    const counts = new Map<string, number>();
    for (const issue of result.error.issues) {
      const path = issuePath(issue);
      const filePath = translations.filePath(language, path);
      const problem = locateProblem(filePath, issue.message, json);
      // filePath adds a language segment after each translated text, so an unchanged length means no translation is on the path.
      if (filePath.length === path.length) sharedProblems.add(formatJsonPath(path), issue.message, problem, counts);
      else problems.push(problem);
    }
  }
  problems.push(...sharedProblems.list());

  const survey = byLanguage.get(translations.languages[0]!);
  if (problems.length > 0 || survey === undefined) {
    // Problems with the same text, such as a duplicate property, are listed once.
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

/** Returns the path a schema issue is reported at, in the validated copy of the file. */
function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  // A single unknown property is reported at the property itself, so the position points at the typo.
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) return [...issue.path, issue.keys[0]!];
  return issue.path;
}

/**
 * Schema problems at paths that no translation is on, which every language of the
 * survey finds again. The message may still differ by language, because it can quote a
 * translated label or add a hint that only one language's labels give. So the same
 * problem is matched by its path and its first sentence with quoted values left out.
 * The message with the most text besides quoted values is kept, because it says the
 * most, and of messages that differ only in quoted values the earliest language's.
 */
class SharedProblems {
  readonly #byKey = new Map<string, LocatedProblem[]>();

  /**
   * Adds a problem that one language found. `counts` numbers the problems of that
   * language with the same key, so that the second such problem pairs with the second
   * of an earlier language.
   */
  add(path: string, message: string, problem: LocatedProblem, counts: Map<string, number>): void {
    const key = `${path} ${firstSentenceWithoutQuotes(message)}`;
    const index = counts.get(key) ?? 0;
    counts.set(key, index + 1);

    const found = this.#byKey.get(key) ?? [];
    this.#byKey.set(key, found);
    const earlier = found[index];
    if (earlier === undefined) found.push(problem);
    else if (withoutQuotes(problem.text).length > withoutQuotes(earlier.text).length) found[index] = problem;
  }

  list(): LocatedProblem[] {
    return [...this.#byKey.values()].flat();
  }
}

/** Returns a message's first sentence with each quoted value emptied, such as `"" is not a choice of question "".` */
function firstSentenceWithoutQuotes(message: string): string {
  const text = withoutQuotes(message);
  const end = text.search(/[.!?](?:\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

/** Empties each double-quoted value in a message, so that `choice "Sala"` becomes `choice ""`. */
function withoutQuotes(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
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
