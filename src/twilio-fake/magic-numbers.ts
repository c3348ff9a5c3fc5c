import { TwilioApiError } from './twilio-api-error.ts';

/**
 * Twilio's magic test numbers for sending SMS, with the error each one causes, as
 * listed on Twilio's test-credentials page (twilio.com/docs/iam/test-credentials).
 * Real Twilio applies them only to requests made with test credentials; the fake
 * applies them to every request. Every other number is accepted.
 */
const MAGIC_TO_ERRORS: ReadonlyMap<string, (to: string) => TwilioApiError> = new Map([
  ['+15005550001', (to: string) => new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`)],
  ['+15005550002', (to: string) => new TwilioApiError(400, 21612, `The 'To' number ${to} cannot be reached by SMS from this sender.`)],
  [
    '+15005550003',
    (to: string) => new TwilioApiError(400, 21408, `This account has no permission to send SMS to the region of the 'To' number ${to}.`),
  ],
  ['+15005550004', (to: string) => new TwilioApiError(400, 21610, `The 'To' number ${to} has unsubscribed from this sender, so the message was blocked.`)],
  ['+15005550009', (to: string) => new TwilioApiError(400, 21614, `The 'To' number ${to} cannot receive SMS because it is not a mobile number.`)],
]);

/** Magic `From` numbers from the same page. `+15005550006` is the valid test sender and needs no entry. */
const MAGIC_FROM_ERRORS: ReadonlyMap<string, (from: string) => TwilioApiError> = new Map([
  ['+15005550001', (from: string) => new TwilioApiError(400, 21212, `The 'From' number ${from} is not a valid phone number.`)],
  ['+15005550007', (from: string) => new TwilioApiError(400, 21606, `The 'From' number ${from} is not an SMS-capable number of this account.`)],
  ['+15005550008', (from: string) => new TwilioApiError(400, 21611, `The 'From' number ${from} has exceeded the maximum number of queued messages.`)],
]);

/** Returns Twilio's error for a magic test number as `To` or `From`, or undefined for any other pair. */
export function magicNumberError(to: string, from: string | undefined): TwilioApiError | undefined {
  if (from !== undefined) {
    const fromError = MAGIC_FROM_ERRORS.get(from);
    if (fromError !== undefined) return fromError(from);
  }

  const toError = MAGIC_TO_ERRORS.get(to);
  return toError === undefined ? undefined : toError(to);
}
