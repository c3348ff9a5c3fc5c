// The webhook helpers alone, not the whole SDK, whose REST client costs the server
// about 16 MB of memory that it never uses.
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import type { WebhookFields } from './webhook-form.ts';

export interface SignatureCheck {
  authToken: string;
  /** The full URL Twilio requested: public base URL, then path and query exactly as received. */
  url: string;
  fields: WebhookFields;
  /** The X-Twilio-Signature header, if any. */
  signature: string | undefined;
}

/**
 * Verifies X-Twilio-Signature (HMAC-SHA1 keyed with the auth token) with the twilio
 * package, which also tries the URL with and without the scheme's default port,
 * because Twilio may sign either form.
 */
export function isValidTwilioSignature({ authToken, url, fields, signature }: SignatureCheck): boolean {
  if (signature === undefined || signature === '') return false;
  return validateRequest(authToken, signature, url, fields);
}

/** Computes the X-Twilio-Signature Twilio would send; used by `parley chat` and by tests. */
export function signTwilioRequest(authToken: string, url: string, fields: WebhookFields): string {
  return getExpectedTwilioSignature(authToken, url, fields);
}
