import { loadConfig } from '../config/config.ts';
import { ParleyError } from '../errors.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { OutboxStore } from '../storage/outbox-store.ts';
import { openExistingDatabase } from './existing-database.ts';

/** Skip reason of the invitations and reminders that `parley cancel` stops. */
export const CANCELED_REASON = 'distribution canceled';

/**
 * Runs `parley cancel`: stops the invitations and reminders of a distribution that
 * have not gone out yet. Sessions already open stay open, so respondents can finish.
 */
export async function runCancelCommand(distribution: string, out: (line: string) => void, env = process.env): Promise<void> {
  if (!/^[1-9]\d*$/.test(distribution)) {
    throw new ParleyError('INVALID_OPTION', `Distribution ${JSON.stringify(distribution)} is not an id: give the number that parley send printed, or run parley status to list them.`);
  }
  const config = loadConfig(env);
  const db = openExistingDatabase(config);
  try {
    await migrateToLatest(db);
    const store = new OutboxStore(db);
    const id = Number(distribution);
    if ((await store.findDistribution(id)) === undefined) {
      throw new ParleyError('UNKNOWN_DISTRIBUTION', `No distribution ${id}. Run parley status to list the distributions.`);
    }
    const canceled = await store.cancelDistribution(id, CANCELED_REASON);
    out(`Distribution ${id}: ${canceled} pending ${canceled === 1 ? 'message' : 'messages'} canceled. Messages already sent are not recalled, and open sessions stay open.`);
  } finally {
    await db.destroy();
  }
}
