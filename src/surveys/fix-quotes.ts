import { GSM_EQUIVALENTS, GSM_EQUIVALENT_PATTERN } from '../sms/gsm-equivalents.ts';
import { JsonSyntaxError, parseLocatedJson, type SourcePosition } from './located-json.ts';
import { findLineStarts, positionAt } from './string-position.ts';

/** One character replaced by fixQuotes, at its position in the original text. `replacement` is the string value's new text, before JSON escaping. */
export interface QuoteFix extends SourcePosition {
  character: string;
  replacement: string;
}

export interface FixQuotesResult {
  /** The text with every replacement made, or the original text when it is not valid JSON. */
  text: string;
  fixes: QuoteFix[];
}

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Replaces curly quotes, long dashes, the ellipsis and non-breaking spaces in a survey
 * file with their GSM-7 equivalents (see GSM_EQUIVALENTS), leaving all other text as
 * it is. Valid JSON allows these characters only inside strings, so a plain text
 * replacement changes string contents only. Text that is not valid JSON is returned
 * unchanged. Positions count from after a byte order mark, as parseSurveyFile's do.
 *
 * NOTE: characters written as escapes, such as `\u2019`, are not replaced.
 */
export function fixQuotes(source: string): FixQuotesResult {
  const bom = source.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK : '';
  const text = source.slice(bom.length);

  try {
    parseLocatedJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { text: source, fixes: [] };
    throw error;
  }

  const lineStarts = findLineStarts(text);
  const fixes: QuoteFix[] = [];
  const fixed = text.replace(GSM_EQUIVALENT_PATTERN, (character, offset: number) => {
    const { replacement } = GSM_EQUIVALENTS.get(character)!;
    fixes.push({ ...positionAt(lineStarts, offset), character, replacement });
    // The text is JSON and the character sits inside a string, so a straight double quote needs its escape.
    return replacement === '"' ? '\\"' : replacement;
  });

  return { text: bom + fixed, fixes };
}
