import { type CountryCode, isSupportedCountry, ParseError, parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js';
import { isTimezone } from '../config/config.ts';
import { ParleyError } from '../errors.ts';
import { canonicalizeLanguage } from '../language-tags.ts';
import type { ContactInput } from './contact-store.ts';
import { readCsvRecords } from './csv-records.ts';

/** Columns with a meaning of their own. Every other column goes into `fields`. */
export const CONTACT_COLUMNS = ['phone', 'first_name', 'last_name', 'language', 'timezone'] as const;

/**
 * A valid row of a contact file. An undefined property was an empty cell, so
 * importing the row keeps the value already stored for it. The language is a
 * canonical BCP 47 tag (`pt-BR`), and the time zone is in Intl's canonical spelling.
 */
export interface ContactCsvRow extends ContactInput {
  /**
   * Line where the row starts, counting the header as line 1. For a phone number that
   * appears more than once, the line of its last row.
   */
  line: number;
}

/** A row that was skipped (`error`) or imported with a remark (`warning`). */
export interface ContactCsvProblem {
  line: number;
  severity: 'error' | 'warning';
  /** The reason, naming the cell's value and the fix. */
  message: string;
}

export interface ParsedContactCsv {
  /** One entry per phone number, in the order of first appearance. */
  contacts: ContactCsvRow[];
  problems: ContactCsvProblem[];
  /** Rows left out because of an error. */
  skippedRows: number;
}

export interface ParseContactCsvOptions {
  /** File name used in messages. */
  fileName?: string;
  /** Country of numbers written without +, from {@link parseRegion}. */
  defaultRegion?: CountryCode | undefined;
}

/**
 * Parses and validates a contact file and returns its valid rows. Each invalid row is
 * left out and reported in `problems` with its line. When a phone number appears
 * twice, the rows are merged in file order: the later row's non-empty cells win, as
 * if the rows had been imported one after the other, and a warning names both lines.
 *
 * @example
 * const { contacts, problems } = parseContactCsv(fs.readFileSync('customers.csv'), { fileName: 'customers.csv', defaultRegion: 'US' });
 * @throws ParleyError when the file as a whole is unusable: not UTF-8, empty, no
 * `phone` column, a repeated column, an unclosed quote, or no rows below the header.
 */
export function parseContactCsv(content: Uint8Array, { fileName = 'The contact file', defaultRegion }: ParseContactCsvOptions = {}): ParsedContactCsv {
  const [header, ...rows] = readCsvRecords(content, fileName);
  const columns = readHeader(header!, fileName);

  const contacts: ContactCsvRow[] = [];
  const contactByPhone = new Map<string, ContactCsvRow>();
  const problems: ContactCsvProblem[] = [];
  let skippedRows = 0;
  let rowsWithCells = 0;
  let reportedUnnamedColumn = false;

  for (const { line, cells } of rows) {
    // Spreadsheets often end with rows of empty cells, which are not contacts.
    if (cells.every((cell) => cell === '')) continue;
    rowsWithCells++;

    // Reported once, because every row of such a file would repeat it.
    const unnamedColumn = columns.unnamed.find((index) => (cells[index] ?? '') !== '');
    if (unnamedColumn !== undefined && !reportedUnnamedColumn) {
      reportedUnnamedColumn = true;
      problems.push({
        line,
        severity: 'warning',
        message: `column ${unnamedColumn + 1} has no name in the header row, so its values are not imported. Name the column to import them.`,
      });
    }

    const result = validateRow(cells, columns, defaultRegion);
    if ('errors' in result) {
      problems.push(...result.errors.map((message) => ({ line, severity: 'error' as const, message })));
      skippedRows++;
      continue;
    }

    const row = { line, ...result.contact };
    const earlier = contactByPhone.get(row.phone);
    if (earlier === undefined) {
      contacts.push(row);
      contactByPhone.set(row.phone, row);
      continue;
    }
    problems.push({
      line,
      severity: 'warning',
      message: `phone ${JSON.stringify(cells[columns.phone])} is the same number as line ${earlier.line}. The rows were merged: this row's non-empty cells replace line ${earlier.line}'s. Delete one of the rows if that is not intended.`,
    });
    mergeInto(earlier, row);
  }

  if (rowsWithCells === 0) {
    throw new ParleyError('FILE_EMPTY', `${fileName} has a header row but no contacts. Add one contact per line below the header.`);
  }
  return { contacts, problems, skippedRows };
}

/**
 * Validates the value of `--default-region` and returns it in upper case.
 *
 * @throws ParleyError `INVALID_OPTION` naming the value.
 */
export function parseRegion(value: string): CountryCode {
  const region = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region)) {
    throw new ParleyError(
      'INVALID_OPTION',
      `--default-region ${JSON.stringify(value)} is not a supported ISO 3166-1 alpha-2 country code. Use the two-letter code of the country whose numbers are written without +, such as US, GB or DE.`,
    );
  }
  return region;
}

/** Column indexes of the known columns, and the name of every other column. */
interface HeaderColumns {
  phone: number;
  firstName: number | undefined;
  lastName: number | undefined;
  language: number | undefined;
  timezone: number | undefined;
  /** Lower-case names of the other columns, by index. Columns without a name are left out. */
  fields: Map<number, string>;
  /** Indexes of columns whose header cell is empty. */
  unnamed: number[];
  count: number;
}

function readHeader({ cells }: { cells: string[] }, fileName: string): HeaderColumns {
  const names = cells.map((cell) => cell.trim().toLowerCase());

  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    const first = seen.get(name);
    if (name !== '' && first !== undefined) {
      throw new ParleyError(
        'CSV_INVALID',
        `${fileName} has two columns named ${JSON.stringify(name)} (columns ${first + 1} and ${index + 1}; names ignore case). Rename or delete one of them.`,
      );
    }
    seen.set(name, index);
  });

  const phone = seen.get('phone');
  if (phone === undefined) {
    const found = cells.map((cell) => JSON.stringify(cell)).join(', ');
    throw new ParleyError(
      'CSV_INVALID',
      `${fileName} has no "phone" column. The first line must be a header row, and it has the columns ${found}. Name the column with the phone numbers "phone".`,
    );
  }

  const fields = new Map<number, string>();
  const unnamed: number[] = [];
  names.forEach((name, index) => {
    if (name === '') {
      unnamed.push(index);
    } else if (!(CONTACT_COLUMNS as readonly string[]).includes(name)) {
      fields.set(index, name);
    }
  });
  return {
    phone,
    firstName: seen.get('first_name'),
    lastName: seen.get('last_name'),
    language: seen.get('language'),
    timezone: seen.get('timezone'),
    fields,
    unnamed,
    count: cells.length,
  };
}

type ValidatedRow = { contact: Omit<ContactCsvRow, 'line'> } | { errors: string[] };

/** Checks every cell of a row, so a row with several mistakes reports them all at once. */
function validateRow(cells: string[], columns: HeaderColumns, defaultRegion: CountryCode | undefined): ValidatedRow {
  const errors: string[] = [];
  const cell = (index: number | undefined): string | undefined => {
    const value = index === undefined ? '' : (cells[index] ?? '').trim();
    return value === '' ? undefined : value;
  };

  const extraCells = cells.slice(columns.count).filter((value) => value !== '');
  if (extraCells.length > 0) {
    errors.push(
      `the row has ${cells.length} cells but the header has ${columns.count} columns. Enclose cells that contain the delimiter in double quotes, or add the missing column names to the header.`,
    );
  }

  const phone = parsePhone(cell(columns.phone), defaultRegion);
  if ('error' in phone) errors.push(phone.error);

  const language = cell(columns.language);
  const canonicalLanguage = language === undefined ? undefined : canonicalizeLanguage(language);
  if (language !== undefined && canonicalLanguage === undefined) {
    errors.push(
      `language ${JSON.stringify(language)} is not a BCP 47 language tag. Use a tag such as en, es or pt-BR (with a hyphen, not an underscore), or leave the cell empty.`,
    );
  }

  const timezone = cell(columns.timezone);
  const canonicalTimezone = timezone === undefined ? undefined : canonicalizeTimezone(timezone);
  if (timezone !== undefined && canonicalTimezone === undefined) {
    errors.push(
      `timezone ${JSON.stringify(timezone)} is not an IANA time zone. Use a name such as America/Chicago or Europe/Berlin, or leave the cell empty to guess the zone from the phone number.`,
    );
  }

  if (errors.length > 0 || !('e164' in phone)) return { errors };

  const fields: Record<string, string> = {};
  for (const [index, name] of columns.fields) {
    const value = cell(index);
    if (value !== undefined) fields[name] = value;
  }
  return {
    contact: {
      phone: phone.e164,
      firstName: cell(columns.firstName),
      lastName: cell(columns.lastName),
      language: canonicalLanguage,
      timezone: canonicalTimezone,
      fields,
    },
  };
}

/** Converts a phone cell to E.164, or explains why it cannot be. */
function parsePhone(value: string | undefined, defaultRegion: CountryCode | undefined): { e164: string } | { error: string } {
  if (value === undefined) {
    return { error: 'phone is empty. Fill in the number or delete the row.' };
  }
  const quoted = JSON.stringify(value);

  let parsed;
  try {
    parsed = parsePhoneNumberWithError(value, defaultRegion);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { error: phoneParseError(quoted, value, error.message, defaultRegion) };
  }

  if (parsed.ext !== undefined) {
    return { error: `phone ${quoted} has an extension, which SMS cannot reach. Remove the extension or use a mobile number.` };
  }
  if (!parsed.isValid()) {
    // A number can parse and still have a length that its country never uses.
    const lengthProblem = validatePhoneNumberLength(value, defaultRegion);
    if (lengthProblem !== undefined) return { error: phoneParseError(quoted, value, lengthProblem, defaultRegion) };

    const country = parsed.country ?? `country code +${parsed.countryCallingCode}`;
    return {
      error: `phone ${quoted} is not a valid number for ${country}: no number of that length and prefix exists there. Check the digits and the country code.`,
    };
  }
  return { e164: parsed.number };
}

/** Words a ParseError or length code of libphonenumber-js as a message with the fix. */
function phoneParseError(quoted: string, value: string, code: string, defaultRegion: CountryCode | undefined): string {
  switch (code) {
    case 'INVALID_COUNTRY':
      return value.trimStart().startsWith('+')
        ? `phone ${quoted} starts with an unknown country calling code. Check the digits after the +.`
        : `phone ${quoted} has no country code. Write it with + and the country code (such as +1 201 555 0123), or pass --default-region with the country of such numbers (such as --default-region US).`;
    case 'TOO_SHORT':
    case 'INVALID_LENGTH':
      return `phone ${quoted} has too few digits${defaultRegion === undefined ? '' : ` for ${defaultRegion}`}. Check that no digit is missing.`;
    case 'TOO_LONG':
      return `phone ${quoted} has too many digits. Check for extra digits, or for two numbers in one cell.`;
    default:
      return `phone ${quoted} is not a phone number. Write it in international format, such as +1 201 555 0123.`;
  }
}

function canonicalizeTimezone(zone: string): string | undefined {
  if (!isTimezone(zone)) return undefined;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

/** Applies a later row for the same phone to an earlier one, keeping the earlier values for empty cells. */
function mergeInto(earlier: ContactCsvRow, later: ContactCsvRow): void {
  earlier.line = later.line;
  earlier.firstName = later.firstName ?? earlier.firstName;
  earlier.lastName = later.lastName ?? earlier.lastName;
  earlier.language = later.language ?? earlier.language;
  earlier.timezone = later.timezone ?? earlier.timezone;
  earlier.fields = { ...earlier.fields, ...later.fields };
}
