import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { firstValue, parseWebhookForm, type WebhookFields } from '../twilio/webhook-form.ts';
import { isValidTwilioSignature } from '../twilio/webhook-signature.ts';
import { WarningThrottle } from '../log.ts';
import { twimlError } from './twiml-reply.ts';

/** Twilio's webhook bodies are a few kilobytes; anything this large is not from Twilio. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

export interface TwilioWebhookOptions {
  authToken: string;
  /** The base URL Twilio calls, without a trailing slash. */
  publicUrl: string;
  logger: Logger;
}

export type TwilioWebhookEnv = {
  Bindings: { incoming?: IncomingMessage };
  Variables: { twilioFields: WebhookFields };
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Admits only Twilio-signed form posts and hands the parsed fields to the route as
 * `c.get('twilioFields')`. The raw body is read once and verified as received.
 */
export function twilioWebhook({ authToken, publicUrl, logger }: TwilioWebhookOptions): MiddlewareHandler<TwilioWebhookEnv> {
  const warnings = new WarningThrottle(logger);
  const tooLarge = (c: Context) => {
    warnings.warn('413', { status: 413 }, `rejected a webhook body larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`);
    return twimlError(c, 413, `Request body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes.`);
  };
  const limit = bodyLimit({ maxSize: MAX_WEBHOOK_BODY_BYTES, onError: tooLarge });

  return async function verifyTwilioWebhook(c, next) {
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
      warnings.warn('415', { status: 415, contentType: contentType.slice(0, 100) }, 'rejected a webhook that is not form-encoded');
      return twimlError(c, 415, `Content-Type ${JSON.stringify(contentType)} is not supported: Twilio webhooks are application/x-www-form-urlencoded.`);
    }

    // With a Content-Length, Node's HTTP parser never delivers more bytes than it
    // states, so the header alone enforces the limit and the body is read in one piece.
    // Chunked bodies have no length up front and go through Hono's counting stream.
    const declaredLength = Number(c.req.header('content-length') ?? Number.NaN);
    if (declaredLength > MAX_WEBHOOK_BODY_BYTES) return tooLarge(c);
    if (Number.isInteger(declaredLength)) return verify(c, next);
    let bodyRead = false;
    try {
      return await limit(c, () => {
        bodyRead = true;
        return verify(c, next).then((response) => {
          c.res = response;
        });
      });
    } catch (error) {
      // The body limit reads a chunked body itself, so a client that stops sending fails there.
      if (bodyRead) throw error;
      return bodyNotReceived(c, error);
    }
  };

  function bodyNotReceived(c: Context, error: unknown): Response {
    // The client disconnected mid-body, or Node's request timeout closed the connection.
    // Either way the response is never read, but the log should record what happened.
    warnings.warn(
      '408-body',
      { status: 408, error: error instanceof Error ? error.message : String(error) },
      'a webhook body was not received in full (the client disconnected, or REQUEST_TIMEOUT_MS passed); nothing was stored',
    );
    return twimlError(c, 408, 'Request body was not received in full.');
  }

  async function verify(c: Context<TwilioWebhookEnv>, next: Next): Promise<Response> {
    let bytes: ArrayBuffer;
    try {
      bytes = await c.req.arrayBuffer();
    } catch (error) {
      return bodyNotReceived(c, error);
    }

    let body: string;
    try {
      body = utf8.decode(bytes);
    } catch {
      warnings.warn('400-utf8', { status: 400 }, 'rejected a webhook body that is not valid UTF-8');
      return twimlError(c, 400, 'Request body is not valid UTF-8.');
    }

    const fields = parseWebhookForm(body);
    const url = publicUrl + requestTarget(c);
    const signature = c.req.header('x-twilio-signature');
    if (!isValidTwilioSignature({ authToken, url, fields, signature })) {
      warnings.warn(
        '403',
        { status: 403, url, hasSignature: signature !== undefined, messageSid: firstValue(fields, 'MessageSid')?.slice(0, 64) },
        'rejected webhook with a missing or invalid X-Twilio-Signature; check TWILIO_AUTH_TOKEN and that PUBLIC_URL is the URL Twilio calls',
      );
      return twimlError(c, 403, 'Invalid or missing X-Twilio-Signature.');
    }

    c.set('twilioFields', fields);
    await next();
    return c.res;
  }
}

/**
 * Path and query as the client sent them. Node's raw request line is used when
 * available, because URL parsing percent-encodes characters such as `'` that
 * Twilio signed unencoded.
 */
function requestTarget(c: Context<TwilioWebhookEnv>): string {
  const raw = c.env?.incoming?.url;
  if (raw !== undefined && raw.startsWith('/')) return raw;
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}
