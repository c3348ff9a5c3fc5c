import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { maskPhone } from '../log.ts';
import { parseCreateMessageRequest } from './create-message-request.ts';
import type { FaultInjection } from './fault-injection.ts';
import type { MessageDispatcher } from './message-dispatcher.ts';
import { listMessagesPage } from './message-list.ts';
import { API_VERSION, type FakeMessage, newMessageSid, toMessageResource } from './message-resource.ts';
import { countSegments } from '../sms/segments.ts';
import { authenticationError, internalServerError, resourceNotFoundError, TwilioApiError } from './twilio-api-error.ts';

export interface FakeTwilioAppDeps {
  accountSid: string;
  authToken: string;
  /** The store of accepted messages; the app appends to it. */
  messages: FakeMessage[];
  faults: FaultInjection;
  dispatcher: MessageDispatcher;
  logger: Logger;
}

const ACCOUNT_PATH = `/${API_VERSION}/Accounts/:accountSid`;

/**
 * Builds the fake's HTTP app: create, fetch and list on Twilio's Messages resource,
 * behind HTTP Basic authentication with the account SID and auth token. Every error
 * is Twilio's JSON error body.
 */
export function createFakeTwilioApp({ accountSid, authToken, messages, faults, dispatcher, logger }: FakeTwilioAppDeps): Hono {
  const app = new Hono();

  // An injected delay applies to every response. Credentials are checked before an
  // injected 429 or 500, which leaves the request unprocessed, as Twilio's do.
  app.use(`/${API_VERSION}/*`, async function twilioApiGate(c, next) {
    if (faults.responseDelayMs > 0) {
      await sleep(faults.responseDelayMs);
      // A client that went away while its request was held never had it carried out,
      // as when a process dies before its request reached Twilio.
      if (c.req.raw.signal.aborted) {
        logger.info({ path: c.req.path }, 'client closed the connection before its request was processed; dropped it');
        return c.body(null, 408);
      }
    }
    if (!hasCredentials(c.req.header('Authorization'), accountSid, authToken)) throw authenticationError();
    const failure = faults.takeFailure();
    if (failure !== undefined) throw failure;
    await next();
    // A delay here holds back the answer of a request already carried out, as a
    // connection lost after Twilio accepted a message would.
    if (faults.delayAfterProcessingMs > 0) await sleep(faults.delayAfterProcessingMs);
  });

  app.post(`${ACCOUNT_PATH}/Messages.json`, async (c) => {
    requireOwnAccount(c, accountSid);
    const rejection = faults.createRejection();
    if (rejection !== undefined) throw rejection;

    const request = parseCreateMessageRequest(await readForm(c));
    const { encoding, segments } = countSegments(request.body);
    const now = new Date();
    // With a Messaging Service, Twilio accepts the message first and picks a sender later.
    const initialStatus = request.messagingServiceSid === undefined ? 'queued' : 'accepted';
    const message: FakeMessage = {
      sid: newMessageSid(),
      accountSid,
      to: request.to,
      from: request.from ?? null,
      messagingServiceSid: request.messagingServiceSid ?? null,
      body: request.body,
      statusCallback: request.statusCallback ?? null,
      encoding,
      numSegments: segments,
      status: initialStatus,
      statusHistory: [initialStatus],
      errorCode: null,
      errorMessage: null,
      dateCreated: now,
      dateUpdated: now,
      sentAt: null,
    };
    messages.push(message);
    logger.debug({ messageSid: message.sid, to: maskPhone(message.to), segments }, 'fake Twilio accepted a message');

    // Rendered before dispatching, so the response shows the initial status.
    const resource = toMessageResource(message);
    dispatcher.dispatch(message);
    return c.json(resource, 201);
  });

  app.get(`${ACCOUNT_PATH}/Messages.json`, (c) => {
    requireOwnAccount(c, accountSid);
    return c.json(listMessagesPage(messages, accountSid, new URL(c.req.url).searchParams));
  });

  app.get(`${ACCOUNT_PATH}/Messages/:file`, (c) => {
    requireOwnAccount(c, accountSid);
    const file = c.req.param('file');
    const message = file.endsWith('.json') ? messages.find((candidate) => `${candidate.sid}.json` === file) : undefined;
    if (message === undefined) throw resourceNotFoundError(new URL(c.req.url).pathname);
    return c.json(toMessageResource(message));
  });

  app.notFound((c) => c.json(resourceNotFoundError(new URL(c.req.url).pathname).toBody(), 404));

  app.onError((error, c) => {
    if (error instanceof TwilioApiError) {
      if (error.status === 401) c.header('WWW-Authenticate', 'Basic realm="Twilio API"');
      return c.json(error.toBody(), error.status as ContentfulStatusCode);
    }
    logger.error({ err: error, path: new URL(c.req.url).pathname }, 'fake Twilio request failed');
    return c.json(internalServerError().toBody(), 500);
  });

  return app;
}

function hasCredentials(header: string | undefined, accountSid: string, authToken: string): boolean {
  if (header === undefined || !header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator >= 0 && decoded.slice(0, separator) === accountSid && decoded.slice(separator + 1) === authToken;
}

/** Rejects another account's path as not found, because the fake serves a single account. */
function requireOwnAccount(c: Context, accountSid: string): void {
  if (c.req.param('accountSid') !== accountSid) throw resourceNotFoundError(new URL(c.req.url).pathname);
}

/**
 * Reads a form body. Twilio reads only form-encoded bodies, so a JSON body has no
 * fields, and a create request then fails for its missing `To`, as it does on Twilio.
 */
async function readForm(c: Context): Promise<URLSearchParams> {
  const contentType = c.req.header('Content-Type') ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams(await c.req.text());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
