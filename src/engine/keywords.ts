import { trimEdges } from './trim-edges.ts';

/**
 * Compliance keywords, read before any answer. A message is a keyword only when the
 * whole message is one, after normalising: "Stop." and "ｓｔｏｐ" opt out, while
 * "please stop the noise" is an answer like any other.
 */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;
/** YES re-subscribes only a respondent who opted out; otherwise it is an ordinary answer. */
export const CONDITIONAL_OPT_IN_KEYWORD = 'YES';

/**
 * Every word the engine reads as a command before any answer. A survey keyword must
 * not be one of them, or texting it would also opt out, opt in or ask for help.
 */
export const RESERVED_KEYWORDS = [...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS, CONDITIONAL_OPT_IN_KEYWORD, ...HELP_KEYWORDS] as const;

export type KeywordKind = 'opt-out' | 'opt-in' | 'help' | 'yes';

const KIND_BY_KEYWORD = new Map<string, KeywordKind>([
  ...OPT_OUT_KEYWORDS.map((word) => [word, 'opt-out'] as const),
  ...OPT_IN_KEYWORDS.map((word) => [word, 'opt-in'] as const),
  ...HELP_KEYWORDS.map((word) => [word, 'help'] as const),
  [CONDITIONAL_OPT_IN_KEYWORD, 'yes'],
]);

// Punctuation, symbols (emoji included), separators, controls and format characters
// such as the zero-width joiner and variation selectors.
const EDGE_NOISE = /[\p{P}\p{S}\p{Z}\p{C}\s]/u;
const WORD_SEPARATORS = /[\s\p{Z}\-_]+/u;

/**
 * Normalises a message for keyword matching only; the stored body is never changed.
 * NFKC folds full-width letters, and words are joined so "stop all" and "opt-out"
 * match STOPALL and OPTOUT. Messages of more than two words never match.
 */
export function normalizeKeyword(body: string): string {
  const words = trimEdges(body.normalize('NFKC'), EDGE_NOISE).toUpperCase().split(WORD_SEPARATORS);
  return words.length <= 2 ? words.join('') : '';
}

/** Returns the kind of compliance keyword the whole message is, or undefined for any other text. */
export function classifyKeyword(body: string): KeywordKind | undefined {
  return KIND_BY_KEYWORD.get(normalizeKeyword(body));
}

/** Returns the message's first word, normalised like a keyword, for matching survey start keywords. */
export function firstWord(body: string): string {
  const [first = ''] = body.normalize('NFKC').trim().split(/[\s\p{Z}]+/u);
  return trimEdges(first, EDGE_NOISE).toUpperCase();
}
