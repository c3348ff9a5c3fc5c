import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { messagingResponse, toXmlText } from '../twilio/twiml.ts';

/** Sends TwiML with the Content-Type Twilio expects. */
export function twimlReply(c: Context, text: string | null): Response {
  return c.body(messagingResponse(text), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
}

/**
 * Sends an error status whose body is still well-formed TwiML, with the reason in an
 * XML comment, so Twilio's debugger shows the operator why the request was rejected.
 */
export function twimlError(c: Context, status: ContentfulStatusCode, reason: string): Response {
  // An XML comment may not contain "--" or end with "-", so each such hyphen gets a space after it.
  const comment = toXmlText(reason).replace(/-(?=-|$)/g, '- ');
  const body = `<?xml version="1.0" encoding="UTF-8"?><!-- ${comment} --><Response/>`;
  return c.body(body, status, { 'Content-Type': 'text/xml; charset=utf-8' });
}
