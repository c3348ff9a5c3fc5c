import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock, InboundMessage, InboundResult } from '../engine/inbound-message.ts';
import { WarningThrottle } from '../log.ts';
import { InvalidWebhookError, toInboundMessage } from '../twilio/inbound-webhook.ts';
import type { Database } from '../storage/tables.ts';
import { statusCallback } from './status-callback.ts';
import { twilioWebhook, type TwilioWebhookEnv } from './twilio-webhook.ts';
import { twimlError, twimlReply } from './twiml-reply.ts';

/** The one thing the HTTP layer needs from the conversation engine. */
export interface MessageHandler {
  handle(message: InboundMessage): Promise<InboundResult>;
}

export interface AppDeps {
  engine: MessageHandler;
  authToken: string;
  publicUrl: string;
  logger: Logger;
  /** Database that status callbacks are stored in and applied to. */
  db: Kysely<Database>;
  /** Time stored with each status callback; the system clock when unset. */
  clock?: Clock;
  /** In sandbox mode, the local fake Twilio's URL, which `parley chat` and `parley worker` ask for. */
  sandboxTwilioApiUrl?: string | undefined;
}

/**
 * Builds the HTTP app. It stays thin: it verifies and parses Twilio's request,
 * passes the message to the engine and renders the engine's reply as TwiML.
 */
export function createApp(deps: AppDeps): Hono<TwilioWebhookEnv> {
  const { engine, authToken, publicUrl, logger, db, clock } = deps;
  const app = new Hono<TwilioWebhookEnv>();
  const warnings = new WarningThrottle(logger);

  app.get('/health', (c) => c.json({ status: 'ok' }));
  if (deps.sandboxTwilioApiUrl !== undefined) {
    const url = deps.sandboxTwilioApiUrl;
    app.get('/sandbox/twilio-api', (c) => c.json({ url }));
  }

  app.post('/twilio/messages', twilioWebhook({ authToken, publicUrl, logger }), async (c) => {
    let message: InboundMessage;
    try {
      message = toInboundMessage(c.get('twilioFields'));
    } catch (error) {
      if (!(error instanceof InvalidWebhookError)) throw error;
      warnings.warn('400-fields', { status: 400, error: error.message }, 'rejected a signed webhook with invalid fields');
      return twimlError(c, 400, error.message);
    }

    const { reply } = await engine.handle(message);
    return twimlReply(c, reply);
  });

  app.post('/twilio/status', twilioWebhook({ authToken, publicUrl, logger }), statusCallback({ db, logger, clock }));

  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` }, 404));

  app.onError((error, c) => {
    logger.error({ err: error, path: new URL(c.req.url).pathname }, 'request failed');
    return twimlError(c, 500, 'Internal error; the request was not processed and can be retried.');
  });

  return app;
}
