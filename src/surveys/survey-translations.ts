import { canonicalizeLanguage } from '../language-tags.ts';
import { quoteList, quoteValue } from './validation-messages.ts';

/**
 * Translations in a survey file. A translatable text is either a plain string, the text
 * in the survey's default language (the first of `languages`), or an object with the
 * text in each language: `"text": { "en": "Thanks!", "es": "¡Gracias!" }`. Choice
 * aliases take a list, or an object with a list per language.
 *
 * The file is validated once per language, on a copy with every translated text in that
 * language (see {@link SurveyTranslations.jsonIn}), so that every check of the schema
 * also runs on every translation.
 */

type JsonPath = (string | number)[];

/** A problem with the translations themselves, at a path in the file. */
export interface TranslationProblem {
  path: JsonPath;
  message: string;
}

export interface SurveyTranslations {
  /** The survey's languages, the default first: its valid `languages`, or `["en"]` when it declares none. */
  languages: string[];
  /** Missing translations, translations into undeclared languages, and translations in a survey without `languages`. */
  problems: TranslationProblem[];
  /** Returns the file's JSON with every translated text in `language`, or its first translation when it lacks one. */
  jsonIn(language: string): unknown;
  /** Returns the path in the file of a value at `path` in `jsonIn(language)`. */
  filePath(language: string, path: readonly PropertyKey[]): JsonPath;
}

/** The language of a survey that has no `languages`. */
export const DEFAULT_LANGUAGE = 'en';

/**
 * The check that a translatable text gets. A `required` text needs every language, so a plain
 * string in a survey with several languages is missing its translations. A `shared` text
 * may stay a plain string, which is then used in every language. A `list` (aliases) is
 * likewise used in every language when plain, and its translations may leave languages
 * out, which then have none.
 */
type TextKind = 'required' | 'shared' | 'list';

interface TranslatableText {
  path: JsonPath;
  kind: TextKind;
  /** The text's name in messages, such as "this choice". */
  noun: string;
}

/**
 * Reads the translations of a survey file's JSON, which may still be invalid in any way:
 * what is not a translation is left for the schema to report.
 */
export function readTranslations(json: unknown): SurveyTranslations {
  const declared = isObject(json) && Object.hasOwn(json, 'languages');
  const languages = declared ? validLanguages((json as Record<string, unknown>).languages) : [DEFAULT_LANGUAGE];
  const texts = listTranslatableTexts(json);
  const problems = declared && languages.length === 0 ? [] : checkTexts(json, texts, declared ? languages : []);
  const translatedPaths = new Set(texts.filter(({ path }) => isObject(valueAt(json, path))).map(({ path }) => pathKey(path)));

  const defaultLanguage = languages[0] ?? DEFAULT_LANGUAGE;
  const copies = new Map<string, unknown>();

  return {
    languages: languages.length === 0 ? [DEFAULT_LANGUAGE] : languages,
    problems,
    jsonIn(language) {
      if (translatedPaths.size === 0) return json;

      let copy = copies.get(language);
      if (copy === undefined) {
        copy = translate(json, texts, language, defaultLanguage);
        copies.set(language, copy);
      }
      return copy;
    },
    filePath(language, path) {
      const filePath: JsonPath = [];
      for (const segment of path) {
        filePath.push(segment as string | number);
        if (translatedPaths.has(pathKey(filePath))) filePath.push(language);
      }
      return filePath;
    },
  };
}

/** Returns the `languages` entries that are canonical BCP 47 tags, without repeats. The schema reports the others. */
function validLanguages(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const tags = value.filter((tag): tag is string => typeof tag === 'string' && canonicalizeLanguage(tag) === tag);
  return [...new Set(tags)];
}

/** Lists the translatable texts that the file has, where they are and how they are checked. */
function listTranslatableTexts(json: unknown): TranslatableText[] {
  if (!isObject(json)) return [];
  const texts: TranslatableText[] = [];
  const add = (path: JsonPath, kind: TextKind, noun = 'this text') => {
    if (valueAt(json, path) !== undefined) texts.push({ path, kind, noun });
  };

  add(['title'], 'shared');
  add(['intro'], 'required');
  add(['end'], 'required');
  add(['skipWord'], 'shared', 'the skip word');
  forEachItem(json.reminders, (index) => add(['reminders', index, 'text'], 'required'));
  if (isObject(json.ends)) {
    for (const endId of Object.keys(json.ends)) add(['ends', endId, 'text'], 'required');
  }

  forEachItem(json.questions, (index, question) => {
    if (!isObject(question)) return;
    // A language question is asked before the language is known, so one text may name every language.
    add(['questions', index, 'text'], question.type === 'language' ? 'shared' : 'required');
    add(['questions', index, 'minLabel'], 'required');
    add(['questions', index, 'maxLabel'], 'required');

    forEachItem(question.choices, (choiceIndex, choice) => {
      const path = ['questions', index, 'choices', choiceIndex];
      if (typeof choice === 'string') add(path, 'required', 'this choice');
      if (!isObject(choice)) return;
      add([...path, 'label'], 'required');
      add([...path, 'aliases'], 'list', 'these aliases');
    });
  });
  return texts;
}

function checkTexts(json: unknown, texts: readonly TranslatableText[], languages: readonly string[]): TranslationProblem[] {
  const problems: TranslationProblem[] = [];
  const declared = quoteList(languages);

  for (const { path, kind, noun } of texts) {
    const value = valueAt(json, path);

    if (isObject(value)) {
      if (languages.length === 0) {
        const example = quoteList(Object.keys(value).slice(0, 2));
        problems.push({
          path,
          message: `${noun} is translated, but the survey has no "languages". Add "languages": [${example}], with the default language first.`,
        });
        continue;
      }
      for (const key of Object.keys(value)) {
        if (languages.includes(key)) continue;
        problems.push({
          path: [...path, key],
          message: `${quoteValue(key)} is not one of the survey's languages (${declared}). Add it to "languages", or remove this translation.`,
        });
      }
      if (kind === 'list') continue;
      for (const language of languages.filter((tag) => !Object.hasOwn(value, tag))) {
        problems.push({ path, message: `missing the translation into ${quoteValue(language)}. Add ${JSON.stringify(language)}: "..." to ${noun}.` });
      }
      continue;
    }

    // A plain text is in the default language, so a required one lacks every other language.
    if (kind !== 'required' || typeof value !== 'string' || languages.length < 2) continue;
    const written = noun === 'this choice' ? `{ "label": { ${translationExample(value, languages)} } }` : `{ ${translationExample(value, languages)} }`;
    for (const language of languages.slice(1)) {
      problems.push({
        path,
        message: `missing the translation into ${quoteValue(language)}, because the survey's languages are ${declared}. Write ${noun} as ${written}.`,
      });
    }
  }
  return problems;
}

/** Writes the translations a plain text needs, such as `"en": "Thanks!", "es": "..."`. */
function translationExample(text: string, languages: readonly string[]): string {
  return languages.map((language, index) => `${JSON.stringify(language)}: ${index === 0 ? quoteValue(text) : '"..."'}`).join(', ');
}

/**
 * Copies the file's JSON with each translated text in `language`. A choice whose label is
 * translated and that has no `value` gets the label in the default language as its
 * value, so that its answers are the same in every language.
 */
function translate(json: unknown, texts: readonly TranslatableText[], language: string, defaultLanguage: string): unknown {
  const copy = structuredClone(json) as Record<string, unknown>;

  for (const { path, kind } of texts) {
    const translations = valueAt(copy, path);
    if (!isObject(translations)) continue;

    const fallback = kind === 'list' ? [] : (translations[defaultLanguage] ?? Object.values(translations)[0] ?? '');
    const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
    parent[path.at(-1)!] = Object.hasOwn(translations, language) ? translations[language] : fallback;

    if (path.at(-1) === 'label' && parent.value === undefined && typeof translations[defaultLanguage] === 'string') {
      parent.value = translations[defaultLanguage];
    }
  }
  return copy;
}

function forEachItem(list: unknown, visit: (index: number, item: unknown) => void): void {
  if (Array.isArray(list)) list.forEach((item, index) => visit(index, item));
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}
