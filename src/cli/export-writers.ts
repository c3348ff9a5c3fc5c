import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { ResponseRow } from '../storage/response-export.ts';

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Separator of the items of a list in one CSV field, such as the choices of a multi answer. */
export const MULTI_VALUE_SEPARATOR = '; ';

export interface WriteResponsesOptions {
  format: ExportFormat;
  /** Column names in order, which form the CSV header. JSON objects keep the rows' own key order. */
  columns: readonly string[];
  out: NodeJS.WritableStream;
}

/**
 * Writes `rows` to `out` as they arrive, waiting whenever `out` is full, and returns
 * how many were written. `out` is left open, so the caller decides whether to end it.
 *
 * - csv: RFC 4180, with a header row, CRLF line ends, and quotes only where a field
 *   needs them. Null is an empty field, booleans are `true` and `false`, and a list is
 *   one field with its items joined by "; ".
 * - ndjson: one JSON object per line.
 * - json: one JSON array, one object per line, written element by element.
 *
 * JSON and NDJSON keep a list as a JSON array.
 */
export async function writeResponses(rows: AsyncIterable<ResponseRow>, { format, columns, out }: WriteResponsesOptions): Promise<number> {
  let count = 0;
  async function* counted(): AsyncGenerator<ResponseRow> {
    for await (const row of rows) {
      count += 1;
      yield row;
    }
  }

  if (format === 'csv') {
    // csv-stringify writes false as an empty field by default, which would read as "not answered".
    // A list (the values or labels of a multi answer) becomes one field, its items joined by "; ".
    const csv = stringify({
      header: true,
      columns: [...columns],
      record_delimiter: 'windows',
      cast: { boolean: (value) => String(value), object: (value) => (Array.isArray(value) ? value.join(MULTI_VALUE_SEPARATOR) : JSON.stringify(value)) },
    });
    await pipeline(Readable.from(counted()), csv, out, { end: false });
  } else {
    const chunks = format === 'json' ? jsonArrayChunks(counted()) : ndjsonChunks(counted());
    await pipeline(Readable.from(chunks), out, { end: false });
  }
  return count;
}

async function* ndjsonChunks(rows: AsyncIterable<ResponseRow>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}

async function* jsonArrayChunks(rows: AsyncIterable<ResponseRow>): AsyncGenerator<string> {
  let separator = '[\n';
  for await (const row of rows) {
    yield `${separator}${JSON.stringify(row)}`;
    separator = ',\n';
  }
  yield separator === '[\n' ? '[]\n' : '\n]\n';
}
