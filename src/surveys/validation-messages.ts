import type { z } from 'zod';

const MAX_QUOTED_LENGTH = 60;

/** Quotes a value from a survey file for an error message: strings in JSON quotes, shortened if long. */
export function quoteValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  if (typeof value !== 'string') return String(value);

  const shortened = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}...` : value;
  return JSON.stringify(shortened);
}

/** Quotes a value and names its JSON type, for messages about a value of the wrong type: `"3" (a string)`. */
export function quoteValueWithType(value: unknown): string {
  if (typeof value === 'string') return `${quoteValue(value)} (a string)`;
  if (typeof value === 'number') return `${quoteValue(value)} (a number)`;
  if (typeof value === 'boolean') return `${quoteValue(value)} (a boolean)`;
  return quoteValue(value);
}

/** Joins names as `"a", "b", "c"`. */
export function quoteList(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}

/**
 * Returns the candidate closest to `word` when it is a likely typo or a shortened name,
 * ignoring case. A typo is at most a third of the word's length away (and at most 3 edits).
 * A shortened name has 4 or more letters and is part of the candidate ("expires" in "expiresAfter").
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const maxDistance = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const lowerWord = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;

  for (const candidate of candidates) {
    const lowerCandidate = candidate.toLowerCase();
    const contained = lowerWord.length >= 4 && lowerCandidate.includes(lowerWord);
    // A shortened name counts as the farthest typo, so a closer typo ("maxchoices" for maxChoices) still wins.
    const distance = Math.min(editDistance(lowerWord, lowerCandidate), contained ? maxDistance : Infinity);
    if (distance <= maxDistance && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance: the number of single-character insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);

  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Builds the message for properties a strict object does not allow, suggesting the likely intended name. */
export function unknownPropertiesMessage(keys: readonly string[], allowed: readonly string[], owner: string): string {
  const allowedList = `The properties allowed in ${owner} are ${quoteList(allowed)}.`;

  if (keys.length === 1) {
    const key = keys[0]!;
    const suggestion = closestMatch(key, allowed);
    const hint = suggestion === undefined ? 'Remove it or correct its name.' : `Did you mean "${suggestion}"?`;
    return `unknown property ${JSON.stringify(key)}. ${hint} ${allowedList}`;
  }
  return `unknown properties ${quoteList(keys)}. Remove them or correct their names. ${allowedList}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
};

const TYPE_FIXES: Record<string, string> = {
  string: 'Put the text in double quotes.',
  number: 'Write a number without quotes.',
  int: 'Write a whole number without quotes.',
  boolean: 'Write true or false without quotes.',
  array: 'Write a list in square brackets: [ ... ].',
  object: 'Write an object in curly braces: { ... }.',
};

/** Description of each required property, so that a "missing" error tells the author what to write. */
const REQUIRED_PROPERTY_HINTS: Record<string, string> = {
  id: 'a unique id such as "customer-nps" or, in a question, "score"',
  title: 'the survey\'s name, for the people who run it',
  keywords: 'the words that start the survey, such as ["FEEDBACK"]',
  questions: 'the list of questions, asked in order',
  end: 'the message sent after the last question',
  text: 'the question as it is sent by SMS',
  choices: 'the list of 2 to 9 options, such as ["Yes", "No", "Not sure"]',
  label: 'the text of the choice as the question lists it, such as "Yes"',
  min: 'the lowest point of the scale, such as 1',
  max: 'the highest point of the scale, such as 5',
};

/**
 * Messages for the issues that the survey schema leaves to a general wording: a missing
 * property and a value of the wrong JSON type. Pass it as `error` to `safeParse`. Returns
 * undefined for other issues, so zod's own message is used.
 */
export const fallbackIssueMessage: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;

  if (issue.input === undefined) {
    const property = String(issue.path?.at(-1));
    const hint = REQUIRED_PROPERTY_HINTS[property];
    return `missing required property ${JSON.stringify(property)}${hint === undefined ? '' : ` (${hint})`}. Add it.`;
  }

  const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
  const fix = TYPE_FIXES[issue.expected] ?? '';
  return `expected ${expected}, got ${quoteValueWithType(issue.input)}. ${fix}`.trimEnd();
};

/** Describes a survey id that an earlier file already uses; the server and `parley check` both report it. */
export function duplicateSurveyIdMessage(id: string, ownerFile: string): string {
  return `survey id "${id}" is already used by ${ownerFile}. Give this survey another id, or remove one of the two files.`;
}

/** Describes a start keyword that an earlier file already uses; the server and `parley check` both report it. */
export function duplicateKeywordMessage(keyword: string, ownerFile: string): string {
  return `keyword "${keyword}" is already used by ${ownerFile}, so texting it could start only one of the two surveys. Choose another keyword, or remove it from one of the two files.`;
}
