import type { ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { ParleyError } from './errors.ts';
import { resolveTwilioCredentials } from './config/twilio-credentials.ts';
import type { Dispatcher } from './distribution/dispatcher.ts';
import { connectOutboundTwilio, type OutboundTwilio, startDispatcher } from './distribution/outbound-twilio.ts';
import { ConversationEngine } from './engine/conversation-engine.ts';
import { createEngineTexts } from './engine/engine-texts.ts';
import { type Clock, systemClock } from './engine/inbound-message.ts';
import { createApp } from './http/app.ts';
import { ConversationStore } from './storage/conversation-store.ts';
import { openDatabase } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';
import type { Database } from './storage/tables.ts';
import { SurveyCatalog } from './surveys/survey-catalog.ts';

/** How often sessions past their expiry time are marked expired. */
const EXPIRY_SWEEP_MS = 60_000;

/** Upper bound on the time a client may take to send a request's headers, in milliseconds. */
const MAX_HEADERS_TIMEOUT_MS = 10_000;

export interface RunningServer {
  /** The port actually bound, useful when the config asked for port 0. */
  port: number;
  db: Kysely<Database>;
  catalog: SurveyCatalog;
  /** Sends the outbox. */
  dispatcher: Dispatcher;
  /** The Twilio REST API distributions use, with the sandbox's fake when it runs one. */
  outbound: OutboundTwilio;
  /** Stops accepting requests, waits for those in flight, then closes the database. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  logger: Logger;
  clock?: Clock;
}

/** Starts Parley's HTTP server with its database, surveys and engine. */
export async function startServer(config: Config, { logger, clock = systemClock }: StartServerOptions): Promise<RunningServer> {
  const credentials = resolveTwilioCredentials(config);
  if (credentials.sandbox) {
    logger.warn('SANDBOX MODE: TWILIO_AUTH_TOKEN is not set, so webhooks are verified against a local token.');
    logger.warn('SANDBOX MODE: requests from real Twilio will be rejected with 403; use `npm run chat` to act as a phone.');
    logger.warn({ dataDir: config.dataDir }, 'SANDBOX MODE: the local credentials are kept in the data folder.');
  }

  const db = openDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous });
  const applied = await migrateToLatest(db);
  logger.info({ database: config.databaseUrl, synchronous: config.sqliteSynchronous, applied }, 'database ready');

  const usedSurveyIds = await new ConversationStore(db).listUsedSurveyIds();
  const catalog = new SurveyCatalog({ dir: config.surveysDir, logger, usedSurveyIds });
  const { loaded, rejected } = await catalog.load();
  logger.info(
    { surveysDir: config.surveysDir, surveys: loaded.map((version) => version.survey.id), rejected: rejected.length },
    'surveys loaded',
  );
  catalog.watch();

  const engine = new ConversationEngine({
    db,
    catalog,
    texts: createEngineTexts({ programName: config.programName, helpText: config.helpText }),
    logger,
    clock,
  });
  // The app needs the public URL, which by default contains the port the server bound,
  // so requests reach it through a handler set right after listening.
  let handle: AppFetch = () => new Response(null, { status: 503 });
  let server: ServerType;
  try {
    server = await listen((request, env) => handle(request, env), config);
  } catch (error) {
    catalog.close();
    await db.destroy();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const publicUrl = config.publicUrl ?? `http://localhost:${port}`;
  // Invitations go out from any process that has the Twilio credentials; the sender of
  // each distribution was fixed by `parley send`.
  let outbound: OutboundTwilio;
  try {
    outbound = await connectOutboundTwilio(config, credentials, logger);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    catalog.close();
    await db.destroy();
    throw error;
  }
  handle = createApp({ engine, authToken: credentials.authToken, publicUrl, logger, db, clock, sandboxTwilioApiUrl: outbound.fake?.url }).fetch;
  logger.info(
    {
      port,
      host: config.host,
      webhook: `${publicUrl}/twilio/messages`,
      statusCallback: `${publicUrl}/twilio/status`,
      requestTimeoutMs: config.requestTimeoutMs,
    },
    'Parley is listening',
  );

  const dispatcher = startDispatcher(config, { db, outbound, catalog, publicUrl, logger, clock });
  if (config.sender === undefined) {
    logger.info('TWILIO_FROM and TWILIO_MESSAGING_SERVICE_SID are unset: parley send needs one of them to create distributions');
  }

  const sweep = setInterval(() => {
    engine.expireSessions().catch((error: unknown) => logger.error({ err: error }, 'expiry sweep failed; will retry'));
  }, EXPIRY_SWEEP_MS);
  sweep.unref();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('shutting down: waiting for requests in flight');
      clearInterval(sweep);
      catalog.close();
      await dispatcher.stop();
      await outbound.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
      logger.info('stopped');
    })();
    return closing;
  };

  return { port, db, catalog, dispatcher, outbound, close };
}

type AppFetch = Parameters<typeof serve>[0]['fetch'];

function listen(fetch: AppFetch, config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const serverOptions = timeoutOptions(config.requestTimeoutMs);
    const server = serve({ fetch, port: config.port, hostname: config.host, serverOptions }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, config)));
  });
}

/**
 * Builds the Node HTTP server's timeouts, so a client that connects and then stalls before
 * finishing its request gets a 408 and loses the connection instead of holding it open.
 */
function timeoutOptions(requestTimeoutMs: number): ServerOptions {
  return {
    // Twilio waits 15 s for a webhook's response, connecting included, and then tries the
    // fallback URL (Twilio error 11205), so a request still arriving after that is useless.
    requestTimeout: requestTimeoutMs,
    // Node rejects a headersTimeout above requestTimeout. Headers are at most 16 KiB (Node's
    // default maxHeaderSize), so a client that needs more than 10 s for them has stalled.
    headersTimeout: Math.min(requestTimeoutMs, MAX_HEADERS_TIMEOUT_MS),
    // Node checks both deadlines only on this interval (30 s by default). Checking every second,
    // or every quarter of a timeout under 4 s, closes a stalled request soon after its deadline.
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(requestTimeoutMs / 4)),
    // keepAliveTimeout stays at Node's default of 5 s, which closes a connection left idle
    // after a response.
  };
}

function listenError(error: NodeJS.ErrnoException, { host, port }: Config): Error {
  const address = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ParleyError('LISTEN_FAILED', `Port ${port} is already in use (${address}). Stop the other process, or set PORT to a free port.`, { cause: error });
    case 'EACCES':
      return new ParleyError('LISTEN_FAILED', `Permission denied to listen on ${address}. Use a port above 1023, or set PORT.`, { cause: error });
    case 'ENOTFOUND':
    case 'EADDRNOTAVAIL':
      return new ParleyError('LISTEN_FAILED', `Cannot listen on HOST ${JSON.stringify(host)}: no such local address. Set HOST to 0.0.0.0, 127.0.0.1 or an address of this machine.`, { cause: error });
    default:
      return error;
  }
}
