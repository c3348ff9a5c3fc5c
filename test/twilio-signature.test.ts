import { describe, expect, it } from 'vitest';
import { parseWebhookForm } from '../src/twilio/webhook-form.ts';
import { isValidTwilioSignature, signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import { readFixture } from './support/fixtures.ts';

// Twilio's published example: auth token, URL, parameters and the signature Twilio sends.
const DOC_TOKEN = '12345';
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_FIELDS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const DOC_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('isValidTwilioSignature', () => {
  it('accepts the documented example', () => {
    expect(isValidTwilioSignature({ authToken: DOC_TOKEN, url: DOC_URL, fields: DOC_FIELDS, signature: DOC_SIGNATURE })).toBe(true);
  });

  it('signs the documented example identically', () => {
    expect(signTwilioRequest(DOC_TOKEN, DOC_URL, DOC_FIELDS)).toBe(DOC_SIGNATURE);
  });

  it('rejects another token', () => {
    expect(isValidTwilioSignature({ authToken: '54321', url: DOC_URL, fields: DOC_FIELDS, signature: DOC_SIGNATURE })).toBe(false);
  });

  it('rejects a changed field', () => {
    const fields = { ...DOC_FIELDS, Digits: '1235' };
    expect(isValidTwilioSignature({ authToken: DOC_TOKEN, url: DOC_URL, fields, signature: DOC_SIGNATURE })).toBe(false);
  });

  it('rejects an added field', () => {
    const fields = { ...DOC_FIELDS, Extra: '' };
    expect(isValidTwilioSignature({ authToken: DOC_TOKEN, url: DOC_URL, fields, signature: DOC_SIGNATURE })).toBe(false);
  });

  it('rejects a missing signature', () => {
    expect(isValidTwilioSignature({ authToken: DOC_TOKEN, url: DOC_URL, fields: DOC_FIELDS, signature: undefined })).toBe(false);
  });

  it('accepts the URL with the default port', () => {
    const url = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(isValidTwilioSignature({ authToken: DOC_TOKEN, url, fields: DOC_FIELDS, signature: DOC_SIGNATURE })).toBe(true);
  });

  it('verifies a fixture body over all its fields', () => {
    const fields = parseWebhookForm(readFixture('inbound-mms-no-text.form'));
    const url = 'https://surveys.example.org/twilio/messages';
    const signature = signTwilioRequest('secret', url, fields);
    expect(isValidTwilioSignature({ authToken: 'secret', url, fields, signature })).toBe(true);
    delete fields.MediaUrl0;
    expect(isValidTwilioSignature({ authToken: 'secret', url, fields, signature })).toBe(false);
  });
});
