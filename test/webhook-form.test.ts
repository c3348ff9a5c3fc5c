import { describe, expect, it } from 'vitest';
import { firstValue, parseWebhookForm } from '../src/twilio/webhook-form.ts';
import { readFixture } from './support/fixtures.ts';

describe('parseWebhookForm', () => {
  it('parses every field of a real inbound body', () => {
    const fields = parseWebhookForm(readFixture('inbound-sms.form'));
    expect(fields.Body).toBe('FEEDBACK');
    expect(fields.From).toBe('+15555550123');
    expect(fields.ToCity).toBe('SAN FRANCISCO');
    expect(Object.keys(fields)).toHaveLength(20);
  });

  it('keeps repeated keys in order', () => {
    const fields = parseWebhookForm('A=1&B=x&A=2&A=3');
    expect(fields.A).toEqual(['1', '2', '3']);
    expect(firstValue(fields, 'A')).toBe('1');
  });

  it('keeps leading and trailing spaces', () => {
    expect(parseWebhookForm('Body=%20%20yes%20').Body).toBe('  yes ');
  });

  it('treats __proto__ as an ordinary field', () => {
    const fields = parseWebhookForm('__proto__=x&constructor=y');
    expect(fields['__proto__']).toBe('x');
    expect(fields.constructor).toBe('y');
    expect(Object.getPrototypeOf(fields)).toBeNull();
  });

  it('keeps empty values', () => {
    expect(parseWebhookForm('Body=&NumMedia=1').Body).toBe('');
  });
});
