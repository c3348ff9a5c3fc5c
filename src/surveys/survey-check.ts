import { SurveyError } from '../errors.ts';
import { BUILT_IN_LANGUAGES, createEngineTexts } from '../engine/engine-texts.ts';
import { classifyKeyword } from '../engine/keywords.ts';
import { MESSAGE_IDS } from '../engine/texts/message-templates.ts';
import { englishLanguageName, matchLanguage } from '../language-tags.ts';
import { GSM_EQUIVALENTS, describeCharacter, findUcs2Characters, type Ucs2Character } from '../sms/gsm-equivalents.ts';
import { countSegments, type SmsEncoding } from '../sms/segments.ts';
import { toChoiceOption } from './choice-option.ts';
import { checkSurveyFlow } from './flow-check.ts';
import { parseLocatedJson, type LocatedJson } from './located-json.ts';
import { listSurveyMessages, type SurveyFieldPath, type SurveyMessage } from './survey-messages.ts';
import { formatJsonPath, parseSurveyFile, type SurveyVersion } from './survey-file.ts';
import type { Survey } from './survey-schema.ts';
import { readTranslations } from './survey-translations.ts';
import { locateStringCharacter } from './string-position.ts';
import { duplicateKeywordMessage, duplicateSurveyIdMessage } from './validation-messages.ts';

export type FindingSeverity = 'error' | 'warning';

/** One problem in a survey file. `message` names the problem and the fix. */
export interface SurveyFinding {
  severity: FindingSeverity;
  file: string;
  /** JSONPath of the value concerned, such as `$.questions[1].text`. */
  path: string;
  /** 1-based line in the file, when the value has a position. */
  line?: number;
  /** 1-based column in UTF-16 code units, when the value has a position. */
  column?: number;
  message: string;
}

/** A message that a respondent can receive, with its SMS encoding and segment count. */
export interface MessageSegments {
  label: string;
  encoding: SmsEncoding;
  segments: number;
  /** Length in characters (Unicode code points). */
  characters: number;
}

/** The result of checking one survey file. */
export interface SurveyFileReport {
  file: string;
  /** The survey's id, or undefined when the file is invalid. */
  surveyId: string | undefined;
  /** Every message the survey can send, empty when the file is invalid. */
  messages: MessageSegments[];
  findings: SurveyFinding[];
}

/** A survey file's name, used only in findings, and its content as text or as raw bytes. */
export interface SurveySource {
  file: string;
  source: string | Uint8Array;
}

const BYTE_ORDER_MARK = '\uFEFF';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Only the messages that do not depend on PROGRAM_NAME or HELP_TEXT are counted.
const ENGINE_TEXTS = createEngineTexts({ programName: 'Parley surveys' });

/**
 * Checks survey files together: each file's schema and logic, choices that read as
 * compliance keywords, characters that force UCS-2 encoding, parts of the flow that no
 * respondent can reach, and survey ids or keywords that two files share. A shared id or keyword is reported on the later of the two files.
 * A survey with several languages is checked in each, a missing translation is an error,
 * and its messages are listed per language, each label starting with the language, as
 * in `[es] end`.
 *
 * @example
 * const [report] = checkSurveySources([{ file: 'surveys/a.json', source }]);
 * report.findings; // [{ severity: 'warning', path: '$.end', line: 9, column: 14, message: '...' }]
 */
export function checkSurveySources(sources: readonly SurveySource[]): SurveyFileReport[] {
  const checked = sources.map((source) => checkSurveySource(source));
  const fileById = new Map<string, string>();
  const fileByKeyword = new Map<string, string>();

  for (const { report, survey, json } of checked) {
    if (survey === undefined || json === undefined) continue;

    const idOwner = fileById.get(survey.id);
    if (idOwner === undefined) {
      fileById.set(survey.id, report.file);
    } else {
      report.findings.push(
        finding('error', report.file, json, ['id'], duplicateSurveyIdMessage(survey.id, idOwner)),
      );
    }

    survey.keywords.forEach((keyword, index) => {
      const keywordOwner = fileByKeyword.get(keyword);
      if (keywordOwner === undefined) {
        fileByKeyword.set(keyword, report.file);
        return;
      }
      report.findings.push(
        finding(
          'error',
          report.file,
          json,
          ['keywords', index],
          duplicateKeywordMessage(keyword, keywordOwner),
        ),
      );
    });
  }

  return checked.map(({ report }) => ({ ...report, findings: sortByPosition(report.findings) }));
}

interface CheckedSource {
  report: SurveyFileReport;
  survey?: Survey;
  json?: LocatedJson;
}

function checkSurveySource({ file, source }: SurveySource): CheckedSource {
  const invalid = (findings: SurveyFinding[]): CheckedSource => ({ report: { file, surveyId: undefined, messages: [], findings } });

  let text: string;
  try {
    text = typeof source === 'string' ? source : utf8.decode(source);
  } catch {
    return invalid([{ severity: 'error', file, path: '$', message: 'the file is not valid UTF-8 text. Save it with the UTF-8 encoding.' }]);
  }

  let version: SurveyVersion;
  try {
    version = parseSurveyFile(file, text);
  } catch (error) {
    if (!(error instanceof SurveyError)) throw error;
    return invalid(error.problems.map((problem) => problemToFinding(file, problem)));
  }
  const { survey } = version;

  // parseSurveyFile accepted the text, so it parses, and positions count from after the byte order mark as there.
  const jsonText = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  const json = parseLocatedJson(jsonText);
  const translations = readTranslations(json.value);
  const multilingual = version.byLanguage.size > 1;

  // Each language is checked on its own texts, with the paths of its translations.
  const messages: SurveyMessage[] = [];
  const findings: SurveyFinding[] = [];
  for (const [language, localized] of version.byLanguage) {
    const inFile = (path: SurveyFieldPath) => translations.filePath(language, path);
    const texts = ENGINE_TEXTS.forLanguage(language, localized.messages[language]);
    const inLanguage = listSurveyMessages(localized, texts).map((message) => ({
      label: multilingual ? `[${language}] ${message.label}` : message.label,
      text: message.text,
      fields: message.fields.map(inFile),
    }));
    messages.push(...inLanguage);

    findings.push(
      ...checkChoiceKeywords(file, localized, json, inFile),
      ...checkEncoding(file, inLanguage, json, jsonText),
      ...checkSurveyFlow(localized).map(({ path, message }) => finding('warning', file, json, inFile(path), message)),
    );
  }
  findings.push(...checkEngineLanguages(file, survey, json));
  const counted = messages.map(({ label, text: body }) => ({ label, ...countSegments(body), characters: [...body].length }));

  return { report: { file, surveyId: survey.id, messages: counted, findings: withoutRepeats(findings) }, survey, json };
}

/** Drops findings that several languages share, such as an unreachable question. */
function withoutRepeats(findings: readonly SurveyFinding[]): SurveyFinding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.severity} ${finding.path} ${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Warns about a language whose engine messages (hints, HELP, STOP and START replies,
 * "moving on", "closed") are not built in and that the survey does not replace in full,
 * because its respondents would get those messages in English.
 */
function checkEngineLanguages(file: string, survey: Survey, json: LocatedJson): SurveyFinding[] {
  const findings: SurveyFinding[] = [];

  survey.languages.forEach((language, index) => {
    if (matchLanguage(language, BUILT_IN_LANGUAGES) !== undefined) return;
    const replaced = survey.messages[language] ?? {};
    const missing = MESSAGE_IDS.filter((id) => replaced[id] === undefined);
    if (missing.length === 0) return;

    findings.push(
      finding(
        'warning',
        file,
        json,
        ['languages', index],
        `Parley's own messages are not written in ${englishLanguageName(language)}, so respondents who read ${JSON.stringify(language)} get ${missing.length} of them in English: ` +
          `${missing.join(', ')}. Write them in "messages": { ${JSON.stringify(language)}: { ... } }.`,
      ),
    );
  });
  return findings;
}

// The formats of SurveyError problems, as parseSurveyFile writes them.
const LOCATED_PROBLEM = /^(\$.*?) \(line (\d+), column (\d+)\): ([\s\S]*)$/;
const PATH_PROBLEM = /^(\$.*?): ([\s\S]*)$/;
const JSON_SYNTAX_PROBLEM = /^line (\d+), column (\d+): ([\s\S]*)$/;

/**
 * Splits a SurveyError problem into its path, position and message.
 *
 * NOTE: a property name that itself contains ": " or " (line " would split in the
 * wrong place. Only unknown property names can contain such text.
 */
function problemToFinding(file: string, problem: string): SurveyFinding {
  const located = LOCATED_PROBLEM.exec(problem);
  if (located !== null) {
    const [, path, line, column, message] = located;
    return { severity: 'error', file, path: path!, line: Number(line), column: Number(column), message: message! };
  }

  const syntax = JSON_SYNTAX_PROBLEM.exec(problem);
  if (syntax !== null) {
    const [, line, column, message] = syntax;
    return { severity: 'error', file, path: '$', line: Number(line), column: Number(column), message: message! };
  }

  const unlocated = PATH_PROBLEM.exec(problem);
  if (unlocated !== null) return { severity: 'error', file, path: unlocated[1]!, message: unlocated[2]! };
  return { severity: 'error', file, path: '$', message: problem };
}


/**
 * Warns about choices whose label or alias is YES. Parley reads YES as the choice during a
 * survey, because YES opts back in only a respondent who opted out, but a platform that
 * handles opt-in keywords itself may not. The schema rejects the other keywords.
 */
function checkChoiceKeywords(file: string, survey: Survey, json: LocatedJson, inFile: (path: SurveyFieldPath) => SurveyFieldPath): SurveyFinding[] {
  const findings: SurveyFinding[] = [];
  const reason =
    'Parley reads it as this choice, because YES opts back in only a respondent who opted out, ' +
    'but a carrier or a messaging service that handles opt-in keywords itself may treat it as an opt-in.';

  survey.questions.forEach((question, questionIndex) => {
    if (question.type !== 'choice' && question.type !== 'multi') return;

    question.choices.forEach((choice, choiceIndex) => {
      const path = ['questions', questionIndex, 'choices', choiceIndex];
      const { label, aliases } = toChoiceOption(choice);

      if (classifyKeyword(label) === 'yes') {
        findings.push(
          finding(
            'warning',
            file,
            json,
            inFile(typeof choice === 'string' ? path : [...path, 'label']),
            `choice "${label}" is also the opt-in keyword YES. ${reason} Reword the choice, for example "Yes, I do", if your number handles YES.`,
          ),
        );
      }
      aliases.forEach((alias, aliasIndex) => {
        if (classifyKeyword(alias) !== 'yes') return;
        findings.push(
          finding(
            'warning',
            file,
            json,
            inFile([...path, 'aliases', aliasIndex]),
            `alias "${alias}" of choice "${label}" is also the opt-in keyword YES. ${reason} Remove the alias if your number handles YES.`,
          ),
        );
      });
    });
  });
  return findings;
}

/**
 * Reports each character that makes a message UCS-2 when the message would otherwise
 * fit GSM-7. Each survey field is checked in the first message that contains it: the
 * intro and the first question in the opening message, any other question as asked.
 * A message with letters that GSM-7 lacks (Greek lower case, Cyrillic, most accents)
 * needs UCS-2 anyway, so its punctuation is not reported.
 */
function checkEncoding(file: string, messages: SurveyMessage[], json: LocatedJson, jsonText: string): SurveyFinding[] {
  const findings: SurveyFinding[] = [];
  const checkedFields = new Set<string>();

  for (const message of messages) {
    const inMessage = findUcs2Characters(message.text);
    if (inMessage.length === 0 || inMessage.some((character) => character.replacement === undefined)) continue;

    const withCharacters = countSegments(message.text);
    const withoutCharacters = countSegments(replaceCharacters(message.text, inMessage));
    const others = inMessage.length - 1;

    for (const field of message.fields) {
      const path = formatJsonPath(field);
      if (checkedFields.has(path)) continue;
      checkedFields.add(path);

      const value = valueAt(json.value, field);
      if (typeof value !== 'string') continue;

      for (const character of findUcs2Characters(value)) {
        const without = others === 0 ? 'without it' : `without it and the ${others} other such ${others === 1 ? 'character' : 'characters'}`;
        const position = locateStringCharacter(jsonText, json, field, character.index);
        findings.push({
          severity: 'warning',
          file,
          path,
          ...position,
          message:
            `${describeCharacter(character.character)} makes the ${message.label} message UCS-2: ${formatSegments(withCharacters.segments)}, ` +
            `or ${formatSegments(withoutCharacters.segments)} in GSM-7 ${without}. ${describeFix(character)}`,
        });
      }
    }
  }
  return findings;
}

function replaceCharacters(text: string, characters: readonly Ucs2Character[]): string {
  let replaced = '';
  let next = 0;
  for (const { index, character, replacement } of characters) {
    replaced += text.slice(next, index) + (replacement ?? character);
    next = index + character.length;
  }
  return replaced + text.slice(next);
}

function describeFix({ character, replacement }: Ucs2Character): string {
  if (GSM_EQUIVALENTS.has(character)) return `Replace it with ${JSON.stringify(replacement)}, or run parley check --fix-quotes.`;
  if (replacement === '') return 'Remove it, or replace it with GSM-7 text.';
  return `Replace it with the single character ${JSON.stringify(replacement)}.`;
}

function formatSegments(count: number): string {
  return count === 1 ? '1 segment' : `${count} segments`;
}

function valueAt(root: unknown, path: SurveyFieldPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function finding(severity: FindingSeverity, file: string, json: LocatedJson, path: SurveyFieldPath, message: string): SurveyFinding {
  const position = json.positionOf(path);
  return { severity, file, path: formatJsonPath(path), ...position, message };
}

function sortByPosition(findings: SurveyFinding[]): SurveyFinding[] {
  const rank = ({ line, column }: SurveyFinding) => (line === undefined ? Number.MAX_SAFE_INTEGER : line * 1_000_000 + (column ?? 0));
  return [...findings].sort((a, b) => rank(a) - rank(b));
}
