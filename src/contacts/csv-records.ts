import { Buffer } from 'node:buffer';
import { CsvError, parse } from 'csv-parse/sync';
import { ParleyError } from '../errors.ts';

/** One record of a CSV file, header included. */
export interface CsvRecord {
  /** Line in the file where the record starts, counting from 1. A quoted cell can span lines. */
  line: number;
  /** Cell values with surrounding whitespace and quotes removed. */
  cells: string[];
}

/** A record as csv-parse returns it with the `info` and `raw` options. */
interface ParsedRecord {
  record: string[];
  /** `lines` is the line where the record ends. */
  info: { lines: number };
  /** The record's text, with the empty lines skipped before it. */
  raw: string;
}

/** Delimiters that spreadsheet programs write. `;` is used where the comma is the decimal separator, and tab in "text" exports. */
const DELIMITERS = [',', ';', '\t'] as const;

const SAVE_AS_UTF8 =
  'Save it as UTF-8 CSV: in Excel choose File > Save As > "CSV UTF-8 (Comma delimited)", ' +
  'in LibreOffice Calc tick "Edit filter settings" when saving and choose "Unicode (UTF-8)", ' +
  'and from Google Sheets use File > Download > "Comma Separated Values".';

/**
 * Reads the records of a CSV file, header first. The file must be UTF-8 (a byte
 * order mark is removed). The delimiter is `,`, `;` or tab, whichever the first
 * line contains most. Empty lines are skipped, and lines may end in CRLF, LF or CR.
 *
 * @param fileName how messages name the file.
 * @throws ParleyError `FILE_NOT_UTF8`, `FILE_EMPTY` or `CSV_INVALID` (an unclosed quote), naming the line.
 */
export function readCsvRecords(content: Uint8Array, fileName: string): CsvRecord[] {
  // A quoted cell keeps its line breaks, but as LF, so every line break counts once.
  const text = decodeUtf8(content, fileName).replace(/\r\n?/g, '\n');
  if (text.trim() === '') {
    throw new ParleyError(
      'FILE_EMPTY',
      `${fileName} is empty. A contact file starts with a header row such as phone,first_name,last_name and has one contact per line below it.`,
    );
  }

  let lastRecordEnd = 0;
  let parsed: ParsedRecord[];
  try {
    // With `info` and `raw`, csv-parse returns objects, which its types do not describe.
    parsed = parse(text, {
      delimiter: detectDelimiter(text),
      record_delimiter: '\n',
      relax_column_count: true,
      // Hand-written files contain cells such as Dwayne "The Rock" Johnson, which stay as written.
      relax_quotes: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      on_record: (record, context) => {
        lastRecordEnd = context.lines;
        return record;
      },
    }) as unknown as ParsedRecord[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw csvError(error, text, lastRecordEnd, fileName);
  }

  return parsed.map(({ record, info, raw }) => {
    // `raw` starts with the empty lines skipped before the record and ends with its line break.
    const recordText = raw.replace(/^(?:[^\S\n]*\n)+/, '').replace(/\n$/, '');
    return { line: info.lines - countLineBreaks(recordText), cells: record };
  });
}

/**
 * Decodes UTF-8 strictly, so a file saved in a legacy encoding is rejected instead of
 * importing names with replacement characters.
 */
function decodeUtf8(content: Uint8Array, fileName: string): string {
  const startsWithUtf16Mark = (content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff);
  // UTF-16 text without a byte order mark can pass as UTF-8, but each ASCII character in it comes with a zero byte.
  if (startsWithUtf16Mark || content.includes(0)) {
    throw new ParleyError('FILE_NOT_UTF8', `${fileName} is UTF-16 text (as Excel's "Unicode Text" writes), not UTF-8. ${SAVE_AS_UTF8}`);
  }

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    const { line, byte } = findInvalidUtf8(content);
    throw new ParleyError(
      'FILE_NOT_UTF8',
      `${fileName} is not UTF-8: line ${line} contains the byte 0x${byte.toString(16).toUpperCase()}, which suggests a legacy encoding such as Windows-1252. ${SAVE_AS_UTF8}`,
    );
  }
}

/** Finds the first byte that is not valid UTF-8, and its line. */
function findInvalidUtf8(content: Uint8Array): { line: number; byte: number } {
  // The lenient decoder puts U+FFFD where a byte is invalid. Everything before the
  // first such place is valid, so its UTF-8 length is the byte offset.
  const decoded = new TextDecoder('utf-8', { ignoreBOM: true }).decode(content);
  let index = decoded.indexOf('\uFFFD');
  while (index !== -1) {
    const prefix = decoded.slice(0, index);
    const offset = Buffer.byteLength(prefix);
    const isEncodedReplacementCharacter = content[offset] === 0xef && content[offset + 1] === 0xbf && content[offset + 2] === 0xbd;
    if (!isEncodedReplacementCharacter) {
      return { line: countLineBreaks(prefix.replace(/\r\n?/g, '\n')) + 1, byte: content[offset] ?? 0 };
    }
    index = decoded.indexOf('\uFFFD', index + 1);
  }
  return { line: 1, byte: 0 };
}

/** Picks the delimiter that the first line, outside quotes, contains most; `,` when it contains none. */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const character of text.trimStart()) {
    if (character === '"') quoted = !quoted;
    if (!quoted && character === '\n') break;
    if (!quoted && counts.has(character)) counts.set(character, counts.get(character)! + 1);
  }

  let best: string = ',';
  for (const [delimiter, count] of counts) {
    if (count > counts.get(best)!) best = delimiter;
  }
  return best;
}

function csvError(error: CsvError, text: string, lastRecordEnd: number, fileName: string): ParleyError {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    // csv-parse reports the end of the file, but the quote opened in the record after the last complete one.
    const lines = text.split('\n');
    let line = lastRecordEnd + 1;
    while (line < lines.length && lines[line - 1]!.trim() === '') line++;
    return new ParleyError(
      'CSV_INVALID',
      `${fileName} line ${line}: a quoted cell is never closed. Add the closing double quote, and write a quote inside a quoted cell as two ("").`,
      { cause: error },
    );
  }
  const line = (error as CsvError & { lines?: number }).lines;
  return new ParleyError(
    'CSV_INVALID',
    `${fileName} line ${line ?? '?'}: ${error.message}. Check the quotes and delimiters on that line.`,
    { cause: error },
  );
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}
