import { loadConfig } from '../config/config.ts';
import { resolveTwilioCredentials } from '../config/twilio-credentials.ts';
import { connectOutboundTwilio, startDispatcher } from '../distribution/outbound-twilio.ts';
import { systemClock } from '../engine/inbound-message.ts';
import { createLogger } from '../log.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { SurveyCatalog } from '../surveys/survey-catalog.ts';

/**
 * Runs `parley worker`: the dispatcher alone, sending the outbox without serving
 * webhooks. Status callbacks still go to PUBLIC_URL, where `parley serve` answers.
 */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  const credentials = resolveTwilioCredentials(config, { create: false });
  const serverUrl = config.publicUrl ?? `http://127.0.0.1:${config.port}`;
  const outbound = await connectOutboundTwilio(config, credentials, logger, { sandboxServerUrl: serverUrl });
  const db = openDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous });
  await migrateToLatest(db);
  const catalog = new SurveyCatalog({ dir: config.surveysDir, logger });
  await catalog.load();
  catalog.watch();

  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const dispatcher = startDispatcher(config, { db, outbound, catalog, publicUrl, logger, clock: systemClock });
  logger.info({ api: outbound.apiUrl, database: config.databaseUrl }, 'worker started');

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'received signal');
      void (async () => {
        await dispatcher.stop();
        catalog.close();
        await outbound.close();
        await db.destroy();
        logger.info('worker stopped');
        process.exit(0);
      })();
    });
  }
}
