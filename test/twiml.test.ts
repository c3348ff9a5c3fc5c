import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { messagingResponse } from '../src/twilio/twiml.ts';

const parser = new XMLParser({ parseTagValue: false, trimValues: false });

describe('messagingResponse', () => {
  it('renders an empty response', () => {
    expect(messagingResponse(null)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('renders empty text as an empty response', () => {
    expect(messagingResponse('')).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('escapes markup characters', () => {
    const xml = messagingResponse('Q&A <beta>');
    expect(xml).toContain('<Message>Q&amp;A &lt;beta&gt;</Message>');
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('keeps Unicode text intact', () => {
    const text = 'Спасибо! “Great” 👍🏽 — ありがとう';
    expect(parser.parse(messagingResponse(text)).Response.Message).toBe(text);
  });

  it('drops characters XML cannot carry', () => {
    const xml = messagingResponse('a\u0000b\u0007c\uD800d\uFFFFe');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).Response.Message).toBe('abcde');
  });

  it('keeps line breaks', () => {
    expect(parser.parse(messagingResponse('one\ntwo')).Response.Message).toBe('one\ntwo');
  });
});
