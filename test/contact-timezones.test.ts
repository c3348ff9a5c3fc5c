import { describe, expect, it } from 'vitest';
import { contactTimezones, guessTimezones } from '../src/contacts/contact-timezones.ts';

describe('guessTimezones', () => {
  it('lists every zone of the US', () => {
    const zones = guessTimezones('+12015550123');
    expect(zones).toContain('America/New_York');
    expect(zones).toContain('America/Chicago');
    expect(zones).toContain('Pacific/Honolulu');
    expect(zones).not.toContain('America/Toronto');
  });

  it.each([
    ['Canada', '+14165550123', 'America/Toronto'],
    ['Puerto Rico', '+17875550123', 'America/Puerto_Rico'],
    ['Germany', '+493012345678', 'Europe/Berlin'],
  ])('finds the zone of %s', (_country, phone, zone) => {
    expect(guessTimezones(phone)).toContain(zone);
  });

  it.each([
    ['no country', '+80012345678'],
    ['invalid area code', '+15555550123'],
    ['not a number', 'hello'],
    ['empty', ''],
  ])('returns nothing for %s', (_case, phone) => {
    expect(guessTimezones(phone)).toEqual([]);
  });
});

describe('contactTimezones', () => {
  it('prefers the stored zone', () => {
    expect(contactTimezones({ timezone: 'Asia/Tokyo', phone: '+12015550123' }, 'Europe/Paris')).toEqual(['Asia/Tokyo']);
  });

  it('guesses from the phone', () => {
    expect(contactTimezones({ timezone: null, phone: '+33612345678' }, 'America/Chicago')).toEqual(['Europe/Paris']);
  });

  it('falls back to the default', () => {
    expect(contactTimezones({ timezone: null, phone: '+80012345678' }, 'America/Chicago')).toEqual(['America/Chicago']);
  });
});
