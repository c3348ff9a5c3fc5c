import { getCountry } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { isTimezone } from '../config/config.ts';

/**
 * Guesses the IANA time zones of an E.164 phone number from its country: one zone
 * for most countries, several for countries such as the US or Russia. Returns `[]`
 * when the number has no country, such as an invalid or non-geographic (+800) number.
 *
 * @example
 * guessTimezones('+493012345678'); // ['Europe/Berlin', 'Europe/Zurich']
 */
export function guessTimezones(phone: string): string[] {
  const country = parsePhoneNumberFromString(phone)?.country;
  if (country === undefined) return [];

  // countries-and-timezones can list a zone that Node's ICU does not know yet, and
  // Intl would throw on that zone later, when local times are computed.
  return (getCountry(country)?.timezones ?? []).filter((zone) => isTimezone(zone));
}

/**
 * Lists the time zones in which a contact may be, for quiet hours: the contact's own
 * zone when the import gave one, else the zones of the phone number's country, else
 * `defaultTimezone`. Never returns an empty list.
 */
export function contactTimezones(contact: { timezone: string | null; phone: string }, defaultTimezone: string): string[] {
  if (contact.timezone !== null) return [contact.timezone];

  const guessed = guessTimezones(contact.phone);
  return guessed.length > 0 ? guessed : [defaultTimezone];
}
