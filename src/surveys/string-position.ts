import type { LocatedJson, SourcePosition } from './located-json.ts';

/**
 * Finds where a character of a string value sits in the JSON text, so that a finding
 * can point an editor at the character itself.
 *
 * `text` is the JSON text that `json` was parsed from, `path` leads to a string value,
 * and `index` is a UTF-16 index into the parsed string. Escape sequences such as `\n`
 * and `\u2019` are counted as the one character they stand for. Returns undefined when
 * the path has no position in the text.
 */
export function locateStringCharacter(
  text: string,
  json: LocatedJson,
  path: readonly (string | number)[],
  index: number,
): SourcePosition | undefined {
  const start = json.positionOf(path);
  if (start === undefined) return undefined;

  const lineStarts = findLineStarts(text);
  let offset = lineStarts[start.line - 1]! + start.column - 1;

  // positionOf gives an object property's name, so skip the name and the ":" to reach its value.
  if (typeof path.at(-1) === 'string') {
    offset = skipString(text, offset);
    while (text[offset] !== '"' && offset < text.length) offset++;
  }

  offset++;
  for (let decoded = 0; decoded < index && offset < text.length; decoded++) {
    if (text[offset] !== '\\') offset += 1;
    else if (text[offset + 1] === 'u') offset += 6;
    else offset += 2;
  }

  return positionAt(lineStarts, offset);
}

/** Returns the offset just after the JSON string that starts at `offset` with a double quote. */
function skipString(text: string, offset: number): number {
  let index = offset + 1;
  while (index < text.length && text[index] !== '"') {
    index += text[index] === '\\' ? 2 : 1;
  }
  return index + 1;
}

/**
 * Returns the offset where each line starts. Line breaks are "\n", "\r\n" and a lone
 * "\r", and columns count UTF-16 code units, as in parseLocatedJson.
 */
export function findLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    const isLineBreak = character === '\n' || (character === '\r' && text[index + 1] !== '\n');
    if (isLineBreak) starts.push(index + 1);
  }
  return starts;
}

/** Converts an offset to a 1-based line and column, given the result of findLineStarts. */
export function positionAt(lineStarts: readonly number[], offset: number): SourcePosition {
  let line = 0;
  while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
  return { line: line + 1, column: offset - lineStarts[line]! + 1 };
}
