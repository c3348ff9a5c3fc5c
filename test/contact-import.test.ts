import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyContactImport, formatImportReport, planContactImport } from '../src/cli/contacts-command.ts';
import { importContacts, listContactLists } from '../src/contacts/contact-store.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { Database } from '../src/storage/tables.ts';
import { thrownBy } from './support/errors.ts';
import { runParley } from './support/processes.ts';

const JANUARY = new Date('2026-01-15T12:00:00.000Z');
const FEBRUARY = new Date('2026-02-15T12:00:00.000Z');

let folder: string;
let db: Kysely<Database>;

beforeEach(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-contacts-'));
  db = openDatabase(':memory:');
  await migrateToLatest(db);
});

afterEach(async () => {
  await db.destroy();
  fs.rmSync(folder, { recursive: true, force: true });
});

function writeCsv(name: string, text: string | Buffer): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, text);
  return file;
}

async function importFile(file: string, now: Date, options: { list?: string; defaultRegion?: string } = {}) {
  const plan = planContactImport(file, options);
  const result = await applyContactImport(plan, { db, now });
  return { plan, result };
}

function storedContacts() {
  return db.selectFrom('contacts').selectAll().orderBy('id').execute();
}

function members(listName: string) {
  return db
    .selectFrom('contact_list_members')
    .innerJoin('contact_lists', 'contact_lists.id', 'contact_list_members.list_id')
    .innerJoin('contacts', 'contacts.id', 'contact_list_members.contact_id')
    .where('contact_lists.name', '=', listName)
    .select(['contacts.phone', 'contact_list_members.added_at'])
    .orderBy('contacts.phone')
    .execute();
}

describe('contacts import', () => {
  it('stores contacts in a new list', async () => {
    const file = writeCsv('customers.csv', 'phone,first_name,language,timezone,store\n+12015550123,Ana,es,America/Chicago,North\n+12015550124,Bo,,,\n');

    const { plan, result } = await importFile(file, JANUARY);

    expect(plan.listName).toBe('customers');
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0, listMembers: 2 });
    expect(await storedContacts()).toEqual([
      {
        id: 1,
        phone: '+12015550123',
        first_name: 'Ana',
        last_name: null,
        language: 'es',
        timezone: 'America/Chicago',
        fields: '{"store":"North"}',
        created_at: '2026-01-15T12:00:00.000Z',
        updated_at: '2026-01-15T12:00:00.000Z',
      },
      {
        id: 2,
        phone: '+12015550124',
        first_name: 'Bo',
        last_name: null,
        language: null,
        timezone: null,
        fields: '{}',
        created_at: '2026-01-15T12:00:00.000Z',
        updated_at: '2026-01-15T12:00:00.000Z',
      },
    ]);
    expect(await members('customers')).toEqual([
      { phone: '+12015550123', added_at: '2026-01-15T12:00:00.000Z' },
      { phone: '+12015550124', added_at: '2026-01-15T12:00:00.000Z' },
    ]);
  });

  it('updates on re-import', async () => {
    await importFile(writeCsv('customers.csv', 'phone,first_name,last_name,store,tier\n+12015550123,Ana,Silva,North,gold\n+12015550124,Bo,,,\n'), JANUARY);

    const second = writeCsv('customers.csv', 'phone,first_name,last_name,store,visits\n(201) 555-0123,Anna,,,3\n+12015550124,Bo,,,\n+12015550125,Cy,,,\n');
    const { result } = await importFile(second, FEBRUARY, { defaultRegion: 'US' });

    expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 1, listMembers: 3 });
    const [ana, bo, cy] = await storedContacts();
    expect(ana).toMatchObject({
      id: 1,
      phone: '+12015550123',
      first_name: 'Anna',
      last_name: 'Silva',
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-02-15T12:00:00.000Z',
    });
    expect(JSON.parse(ana!.fields)).toEqual({ store: 'North', tier: 'gold', visits: '3' });
    expect(bo).toMatchObject({ id: 2, updated_at: '2026-01-15T12:00:00.000Z' });
    expect(cy).toMatchObject({ id: 3, created_at: '2026-02-15T12:00:00.000Z' });
  });

  it('keeps a contact once across lists', async () => {
    await importFile(writeCsv('spring.csv', 'phone\n+12015550123\n+12015550124\n'), JANUARY);
    await importFile(writeCsv('autumn.csv', 'phone\n+12015550124\n'), FEBRUARY);

    expect(await storedContacts()).toHaveLength(2);
    expect(await members('spring')).toHaveLength(2);
    expect(await members('autumn')).toEqual([{ phone: '+12015550124', added_at: '2026-02-15T12:00:00.000Z' }]);
  });

  it('keeps earlier list members', async () => {
    await importFile(writeCsv('first.csv', 'phone\n+12015550123\n'), JANUARY, { list: 'customers' });
    const { result } = await importFile(writeCsv('second.csv', 'phone\n+12015550124\n'), FEBRUARY, { list: 'customers' });

    expect(result.listMembers).toBe(2);
    expect((await members('customers')).map((member) => member.added_at)).toEqual(['2026-01-15T12:00:00.000Z', '2026-02-15T12:00:00.000Z']);
  });

  it('counts the members of each list', async () => {
    await importFile(writeCsv('spring.csv', 'phone\n+12015550123\n+12015550124\n'), JANUARY);
    await importFile(writeCsv('autumn.csv', 'phone\n+12015550124\n'), FEBRUARY);
    await importContacts(db, [], { listName: 'empty', now: FEBRUARY });

    const lists = await listContactLists(db);

    expect(lists.map(({ name, members: count, createdAt }) => ({ name, count, createdAt }))).toEqual([
      { name: 'autumn', count: 1, createdAt: '2026-02-15T12:00:00.000Z' },
      { name: 'empty', count: 0, createdAt: '2026-02-15T12:00:00.000Z' },
      { name: 'spring', count: 2, createdAt: '2026-01-15T12:00:00.000Z' },
    ]);
  });

  it('stores only the valid rows', async () => {
    const file = writeCsv(
      'mixed.csv',
      [
        'phone,first_name,language,timezone',
        '+12015550123,Ana,,',
        'not a phone,Bo,,',
        '+12015550124,Cy,,Central',
        '+12015550125,Di,en_US,',
        ',Ed,,',
        '+12015550126,Flo,,',
        '+1 201 555 0123,Anna,,',
      ].join('\n'),
    );

    const { plan, result } = await importFile(file, JANUARY);

    expect(result).toMatchObject({ created: 2, updated: 0, listMembers: 2 });
    expect((await storedContacts()).map((contact) => [contact.phone, contact.first_name])).toEqual([
      ['+12015550123', 'Anna'],
      ['+12015550126', 'Flo'],
    ]);
    expect(formatImportReport(plan, result)).toEqual([
      `Imported ${file} into list "mixed":`,
      '  new:       2',
      '  updated:   0',
      '  unchanged: 0',
      '  skipped:   4 rows',
      'The list has 2 contacts.',
      '',
      'line 3: phone "not a phone" is not a phone number. Write it in international format, such as +1 201 555 0123.',
      'line 4: timezone "Central" is not an IANA time zone. Use a name such as America/Chicago or Europe/Berlin, or leave the cell empty to guess the zone from the phone number.',
      'line 5: language "en_US" is not a BCP 47 language tag. Use a tag such as en, es or pt-BR (with a hyphen, not an underscore), or leave the cell empty.',
      'line 6: phone is empty. Fill in the number or delete the row.',
      'line 8: warning: phone "+1 201 555 0123" is the same number as line 2. The rows were merged: this row\'s non-empty cells replace line 2\'s. Delete one of the rows if that is not intended.',
      '',
      '4 rows were skipped. Fix them and import the file again: contacts already imported are updated, not duplicated.',
    ]);
  });

  it('names the list after the file', () => {
    const file = writeCsv('spring-2026.members.csv', 'phone\n+12015550123\n');

    expect(planContactImport(file).listName).toBe('spring-2026.members');
  });

  it('rejects an empty list name', () => {
    const file = writeCsv('customers.csv', 'phone\n+12015550123\n');

    const error = thrownBy(() => planContactImport(file, { list: '  ' }));

    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe('--list "  " is empty. Give the list a name, such as --list customers.');
  });

  it('rejects a missing file', () => {
    const file = path.join(folder, 'missing.csv');

    const error = thrownBy(() => planContactImport(file));

    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toBe(`Contact file ${JSON.stringify(file)} does not exist. Check the path.`);
  });

  it('names the folder of a relative path', () => {
    const error = thrownBy(() => planContactImport('missing-contacts.csv'));

    expect(error.message).toBe(`Contact file "missing-contacts.csv" does not exist. Check the path, which is relative to ${process.cwd()}.`);
  });

  it('rejects a folder', () => {
    const error = thrownBy(() => planContactImport(folder));

    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toBe(`${JSON.stringify(folder)} is a folder. Give the path of a .csv file.`);
  });

  it('rejects a bad region before reading', () => {
    const error = thrownBy(() => planContactImport(path.join(folder, 'missing.csv'), { defaultRegion: 'Canada' }));

    expect(error.code).toBe('INVALID_OPTION');
  });

  it('stores nothing from a non-UTF-8 file', async () => {
    const file = writeCsv('latin1.csv', Buffer.from('phone,first_name\n+12015550123,Jos\xe9\n', 'latin1'));

    const error = thrownBy(() => planContactImport(file));

    expect(error.code).toBe('FILE_NOT_UTF8');
    expect(error.message).toContain(`${file} is not UTF-8: line 2 contains the byte 0xE9`);
    expect(await storedContacts()).toEqual([]);
  });

  it('imports a BOM and semicolons', async () => {
    const file = writeCsv('excel.csv', '\uFEFFPhone;First_Name;Store\r\n+12015550123;Ana;"Nord; Süd"\r\n');

    const { result } = await importFile(file, JANUARY);

    expect(result.created).toBe(1);
    expect(await storedContacts()).toMatchObject([{ phone: '+12015550123', first_name: 'Ana', fields: '{"store":"Nord; Süd"}' }]);
  });
});

describe('parley contacts import', () => {
  function cliEnv(): Record<string, string> {
    return { DATABASE_URL: path.join(folder, 'data', 'parley.db'), TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', LOG_LEVEL: 'silent' };
  }

  it('imports and exits 1 for a skipped row', async () => {
    const file = writeCsv('customers.csv', 'phone,first_name\n(201) 555-0123,Ana\n12,Bo\n');

    const result = await runParley(['contacts', 'import', file, '--default-region', 'us'], { env: cliEnv() });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        `Imported ${file} into list "customers":`,
        '  new:       1',
        '  updated:   0',
        '  unchanged: 0',
        '  skipped:   1 row',
        'The list has 1 contact.',
        '',
        'line 3: phone "12" has too few digits for US. Check that no digit is missing.',
        '',
        '1 row was skipped. Fix it and import the file again: contacts already imported are updated, not duplicated.',
        '',
      ].join('\n'),
    );

    const cliDb = openDatabase(cliEnv().DATABASE_URL!);
    try {
      const contacts = await cliDb.selectFrom('contacts').select(['phone', 'first_name']).execute();
      expect(contacts).toEqual([{ phone: '+12015550123', first_name: 'Ana' }]);
    } finally {
      await cliDb.destroy();
    }
  });

  it('exits 0 on a re-import', async () => {
    const file = writeCsv('customers.csv', 'phone,first_name\n+12015550123,Ana\n');
    await runParley(['contacts', 'import', file, '--list', 'vip'], { env: cliEnv() });

    const result = await runParley(['contacts', 'import', file, '--list', 'vip'], { env: cliEnv() });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported');
    expect(result.stdout).toContain('into list "vip":\n  new:       0\n  updated:   0\n  unchanged: 1\n  skipped:   0 rows\nThe list has 1 contact.\n');
  });

  it('reports a missing file', async () => {
    const file = path.join(folder, 'missing.csv');

    const result = await runParley(['contacts', 'import', file], { env: cliEnv() });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`parley: Contact file ${JSON.stringify(file)} does not exist. Check the path.\n`);
    expect(fs.existsSync(cliEnv().DATABASE_URL!)).toBe(false);
  });
});
