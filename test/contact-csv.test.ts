import { describe, expect, it } from 'vitest';
import { type ParseContactCsvOptions, parseContactCsv, parseRegion } from '../src/contacts/contact-csv.ts';
import { thrownBy } from './support/errors.ts';

function parseText(text: string, options: ParseContactCsvOptions = {}) {
  return parseContactCsv(new TextEncoder().encode(text), { fileName: 'contacts.csv', ...options });
}

describe('parseContactCsv', () => {
  it('reads the known columns', () => {
    const { contacts, problems, skippedRows } = parseText(
      'phone,first_name,last_name,language,timezone\n+12015550123,Ana,Silva,pt-BR,America/Chicago\n',
    );

    expect(problems).toEqual([]);
    expect(skippedRows).toBe(0);
    expect(contacts).toEqual([
      { line: 2, phone: '+12015550123', firstName: 'Ana', lastName: 'Silva', language: 'pt-BR', timezone: 'America/Chicago', fields: {} },
    ]);
  });

  it('matches column names ignoring case and spaces', () => {
    const { contacts } = parseText(' Phone ,FIRST_NAME, Store \n+12015550123,Ana,Downtown\n');

    expect(contacts[0]?.phone).toBe('+12015550123');
    expect(contacts[0]?.firstName).toBe('Ana');
    expect(contacts[0]?.fields).toEqual({ store: 'Downtown' });
  });

  it('keeps other columns in fields', () => {
    const { contacts } = parseText('phone,store,visits,notes\n+12015550123,Downtown,3,\n');

    expect(contacts[0]?.fields).toEqual({ store: 'Downtown', visits: '3' });
  });

  it('leaves empty cells undefined', () => {
    const { contacts } = parseText('phone,first_name,last_name,language,timezone\n+12015550123, ,,,\n');

    expect(contacts[0]).toEqual({
      line: 2,
      phone: '+12015550123',
      firstName: undefined,
      lastName: undefined,
      language: undefined,
      timezone: undefined,
      fields: {},
    });
  });

  it.each([
    ['(201) 555-0123', '+12015550123'],
    ['201.555.0123', '+12015550123'],
    ['+1 201 555 0123', '+12015550123'],
    ['+49 30 123456', '+4930123456'],
    ['011 49 30 123456', '+4930123456'],
  ])('normalizes phone %s with region US', (phone, e164) => {
    const { contacts, problems } = parseText(`phone\n"${phone}"\n`, { defaultRegion: 'US' });

    expect(problems).toEqual([]);
    expect(contacts[0]?.phone).toBe(e164);
  });

  it('canonicalizes language and timezone', () => {
    const { contacts } = parseText('phone,language,timezone\n+12015550123,PT-br,america/chicago\n');

    expect(contacts[0]?.language).toBe('pt-BR');
    expect(contacts[0]?.timezone).toBe('America/Chicago');
  });

  it.each([
    [
      'invalid phone',
      'phone,first_name\n+1 555 555 0123,Ana\n',
      'phone "+1 555 555 0123" is not a valid number for country code +1: no number of that length and prefix exists there. Check the digits and the country code.',
    ],
    ['text as phone', 'phone\ncall me\n', 'phone "call me" is not a phone number. Write it in international format, such as +1 201 555 0123.'],
    [
      'phone without country code',
      'phone\n2015550123\n',
      'phone "2015550123" has no country code. Write it with + and the country code (such as +1 201 555 0123), or pass --default-region with the country of such numbers (such as --default-region US).',
    ],
    ['unknown calling code', 'phone\n+999 123 456\n', 'phone "+999 123 456" starts with an unknown country calling code. Check the digits after the +.'],
    ['phone with extension', 'phone\n+1 201 555 0123 ext. 12\n', 'phone "+1 201 555 0123 ext. 12" has an extension, which SMS cannot reach. Remove the extension or use a mobile number.'],
    ['missing phone', 'phone,first_name\n,Ana\n', 'phone is empty. Fill in the number or delete the row.'],
    [
      'bad timezone',
      'phone,timezone\n+12015550123,Central\n',
      'timezone "Central" is not an IANA time zone. Use a name such as America/Chicago or Europe/Berlin, or leave the cell empty to guess the zone from the phone number.',
    ],
    [
      'bad language',
      'phone,language\n+12015550123,en_US\n',
      'language "en_US" is not a BCP 47 language tag. Use a tag such as en, es or pt-BR (with a hyphen, not an underscore), or leave the cell empty.',
    ],
    [
      'language name',
      'phone,language\n+12015550123,english\n',
      'language "english" is not a BCP 47 language tag. Use a tag such as en, es or pt-BR (with a hyphen, not an underscore), or leave the cell empty.',
    ],
    [
      'too many cells',
      'phone,first_name\n+12015550123,Silva,Ana\n',
      'the row has 3 cells but the header has 2 columns. Enclose cells that contain the delimiter in double quotes, or add the missing column names to the header.',
    ],
  ])('skips a row with %s', (_case, text, message) => {
    const { contacts, problems, skippedRows } = parseText(text);

    expect(contacts).toEqual([]);
    expect(skippedRows).toBe(1);
    expect(problems).toEqual([{ line: 2, severity: 'error', message }]);
  });

  it('reports short numbers for the region', () => {
    const { problems } = parseText('phone\n555-0123\n', { defaultRegion: 'US' });

    expect(problems).toEqual([
      { line: 2, severity: 'error', message: 'phone "555-0123" has too few digits for US. Check that no digit is missing.' },
    ]);
  });

  it('reports long numbers', () => {
    const { problems } = parseText('phone\n+1 201 555 012345\n');

    expect(problems).toEqual([
      {
        line: 2,
        severity: 'error',
        message: 'phone "+1 201 555 012345" has too many digits. Check for extra digits, or for two numbers in one cell.',
      },
    ]);
  });

  it('imports the valid rows beside bad ones', () => {
    const { contacts, problems, skippedRows } = parseText('phone,first_name\n+12015550123,Ana\nnope,Bo\n+12015550124,Cy\n');

    expect(contacts.map((contact) => contact.phone)).toEqual(['+12015550123', '+12015550124']);
    expect(skippedRows).toBe(1);
    expect(problems.map((problem) => problem.line)).toEqual([3]);
  });

  it('reports every mistake of a row', () => {
    const { problems, skippedRows } = parseText('phone,language,timezone\n,xx_YY,Mars/Olympus\n');

    expect(skippedRows).toBe(1);
    expect(problems.map((problem) => problem.message.split(' ')[0])).toEqual(['phone', 'language', 'timezone']);
    expect(problems.every((problem) => problem.line === 2 && problem.severity === 'error')).toBe(true);
  });

  it('counts lines across multi-line cells', () => {
    const text = 'phone,notes\n+12015550123,"first\nsecond\nthird"\n\nbad,"one\r\ntwo"\n+12015550124,x\n';

    const { contacts, problems } = parseText(text);

    expect(contacts.map((contact) => contact.line)).toEqual([2, 8]);
    expect(contacts[0]?.fields.notes).toBe('first\nsecond\nthird');
    expect(problems.map((problem) => problem.line)).toEqual([6]);
  });

  it('merges a repeated phone', () => {
    const text = 'phone,first_name,last_name,store\n+12015550123,Ana,Silva,North\n+12015550124,Bo,,\n(201) 555-0123,Anna,,South\n';

    const { contacts, problems, skippedRows } = parseText(text, { defaultRegion: 'US' });

    expect(skippedRows).toBe(0);
    expect(contacts).toHaveLength(2);
    expect(contacts[0]).toMatchObject({ phone: '+12015550123', line: 4, firstName: 'Anna', lastName: 'Silva', fields: { store: 'South' } });
    expect(problems).toEqual([
      {
        line: 4,
        severity: 'warning',
        message:
          'phone "(201) 555-0123" is the same number as line 2. The rows were merged: this row\'s non-empty cells replace line 2\'s. Delete one of the rows if that is not intended.',
      },
    ]);
  });

  it('warns once about an unnamed column', () => {
    const { contacts, problems } = parseText('phone,,first_name,\n+12015550123,,Ana,\n+12015550124,x,Bo,\n+12015550125,y,Cy,z\n');

    expect(contacts).toHaveLength(3);
    expect(contacts[1]?.fields).toEqual({});
    expect(problems).toEqual([
      {
        line: 3,
        severity: 'warning',
        message: 'column 2 has no name in the header row, so its values are not imported. Name the column to import them.',
      },
    ]);
  });

  it('ignores rows of empty cells', () => {
    const { contacts, problems, skippedRows } = parseText('phone,first_name\n+12015550123,Ana\n,\n , \n');

    expect(contacts).toHaveLength(1);
    expect(problems).toEqual([]);
    expect(skippedRows).toBe(0);
  });

  it('accepts a BOM and semicolons', () => {
    const { contacts, problems } = parseText('\uFEFFphone;first_name;notes\r\n+12015550123;Ana;"a, b; c"\r\n');

    expect(problems).toEqual([]);
    expect(contacts[0]).toMatchObject({ line: 2, phone: '+12015550123', firstName: 'Ana', fields: { notes: 'a, b; c' } });
  });

  it('accepts tabs', () => {
    const { contacts } = parseText('phone\tfirst_name\n+12015550123\tAna, Maria\n');

    expect(contacts[0]?.firstName).toBe('Ana, Maria');
  });

  it('accepts old Mac line ends', () => {
    const { contacts } = parseText('phone,first_name\r+12015550123,Ana\r+12015550124,Bo\r');

    expect(contacts.map((contact) => contact.line)).toEqual([2, 3]);
  });

  it('rejects Windows-1252 text', () => {
    const latin1 = Buffer.from('phone,first_name\n+12015550123,Jos\xe9\n', 'latin1');

    const error = thrownBy(() => parseContactCsv(latin1, { fileName: 'contacts.csv' }));

    expect(error.code).toBe('FILE_NOT_UTF8');
    expect(error.message).toBe(
      'contacts.csv is not UTF-8: line 2 contains the byte 0xE9, which suggests a legacy encoding such as Windows-1252. ' +
        'Save it as UTF-8 CSV: in Excel choose File > Save As > "CSV UTF-8 (Comma delimited)", ' +
        'in LibreOffice Calc tick "Edit filter settings" when saving and choose "Unicode (UTF-8)", ' +
        'and from Google Sheets use File > Download > "Comma Separated Values".',
    );
  });

  it('finds the bad byte after a real replacement character', () => {
    const bytes = Buffer.concat([Buffer.from('phone,notes\n+12015550123,\uFFFD\n+12015550124,'), Buffer.from([0xfc]), Buffer.from('\n')]);

    expect(thrownBy(() => parseContactCsv(bytes)).message).toMatch(/^The contact file is not UTF-8: line 3 contains the byte 0xFC,/);
  });

  it('rejects UTF-16 text', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone\n+12015550123\n', 'utf16le')]);

    const error = thrownBy(() => parseContactCsv(utf16, { fileName: 'contacts.txt' }));

    expect(error.code).toBe('FILE_NOT_UTF8');
    expect(error.message).toMatch(/^contacts\.txt is UTF-16 text \(as Excel's "Unicode Text" writes\), not UTF-8\. Save it as UTF-8 CSV/);
  });

  it('rejects a file without a phone column', () => {
    const error = thrownBy(() => parseText('Name,Mobile\nAna,+12015550123\n'));

    expect(error.code).toBe('CSV_INVALID');
    expect(error.message).toBe(
      'contacts.csv has no "phone" column. The first line must be a header row, and it has the columns "Name", "Mobile". Name the column with the phone numbers "phone".',
    );
  });

  it('rejects a repeated column', () => {
    const error = thrownBy(() => parseText('phone,Store,store\n+12015550123,a,b\n'));

    expect(error.message).toBe('contacts.csv has two columns named "store" (columns 2 and 3; names ignore case). Rename or delete one of them.');
  });

  it.each([
    ['nothing', ''],
    ['a BOM and blank lines', '\uFEFF\n  \n'],
  ])('rejects a file of %s', (_case, text) => {
    const error = thrownBy(() => parseText(text));

    expect(error.code).toBe('FILE_EMPTY');
    expect(error.message).toBe(
      'contacts.csv is empty. A contact file starts with a header row such as phone,first_name,last_name and has one contact per line below it.',
    );
  });

  it('rejects a header without rows', () => {
    const error = thrownBy(() => parseText('phone,first_name\n,\n'));

    expect(error.code).toBe('FILE_EMPTY');
    expect(error.message).toBe('contacts.csv has a header row but no contacts. Add one contact per line below the header.');
  });

  it('names the line of an unclosed quote', () => {
    const error = thrownBy(() => parseText('phone,notes\n+12015550123,ok\n\n+12015550124,"never closed\n+12015550125,x\n'));

    expect(error.code).toBe('CSV_INVALID');
    expect(error.message).toBe(
      'contacts.csv line 4: a quoted cell is never closed. Add the closing double quote, and write a quote inside a quoted cell as two ("").',
    );
  });

  it('keeps quotes inside unquoted cells', () => {
    const { contacts } = parseText('phone,first_name\n+12015550123,Dwayne "The Rock"\n');

    expect(contacts[0]?.firstName).toBe('Dwayne "The Rock"');
  });
});

describe('parseRegion', () => {
  it('accepts lower case', () => {
    expect(parseRegion(' us ')).toBe('US');
  });

  it.each(['XX', 'USA', 'U', ''])('rejects %j', (value) => {
    const error = thrownBy(() => parseRegion(value));

    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(
      `--default-region ${JSON.stringify(value)} is not a supported ISO 3166-1 alpha-2 country code. Use the two-letter code of the country whose numbers are written without +, such as US, GB or DE.`,
    );
  });
});
