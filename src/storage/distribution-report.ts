import type { Kysely } from 'kysely';
import type { Database, DeliveryStatus, DistributionMode, OutboxState, SenderKind } from './tables.ts';

/** Progress group of one invite in `parley status`. Each invite is in exactly one group. */
export type InviteGroup = 'pending' | 'sent' | 'delivered' | 'failed' | 'canceled' | 'skipped';

/**
 * Puts an invite in its group. A refusal by Twilio and a failed delivery both count as
 * failed. A message Twilio accepted but has not reported as final yet counts as sent.
 */
export function groupInvite(state: OutboxState, deliveryStatus: DeliveryStatus | null): InviteGroup {
  if (state === 'pending' || state === 'sending') return 'pending';
  if (state === 'skipped') return 'skipped';
  if (state === 'failed' || deliveryStatus === 'failed' || deliveryStatus === 'undelivered') return 'failed';
  if (deliveryStatus === 'delivered' || deliveryStatus === 'read') return 'delivered';
  if (deliveryStatus === 'canceled') return 'canceled';
  return 'sent';
}

/** Invite counts of one distribution; `total` is the sum of the six groups. */
export interface InviteCounts extends Record<InviteGroup, number> {
  total: number;
  /** Invites whose session has at least one answered question. */
  answered: number;
  /** Invites whose session is completed. */
  completed: number;
}

export interface DistributionReport {
  id: number;
  surveyId: string;
  mode: DistributionMode;
  sender: string;
  senderKind: SenderKind;
  createdAt: string;
  sendAt: string;
  invites: InviteCounts;
  /** Skipped invites by `skip_reason`, most frequent first. */
  skipReasons: Array<{ reason: string; count: number }>;
  /** Reminders Twilio accepted. */
  remindersSent: number;
  /** Reminders still waiting for their time. */
  remindersPending: number;
  /** Pending invites held until their contacts' sending hours, and when the first of them may go. */
  heldForSendingHours: { count: number; firstAt: string | null };
  /** SMS segments of every invite and reminder that has a MessageSid. */
  segmentsSent: number;
  /** Failed invites and reminders by Twilio error code, most frequent first; null when the row has no code. */
  failures: Array<{ errorCode: number | null; count: number }>;
}

/** One line of the list of distributions. */
export interface DistributionSummary {
  id: number;
  surveyId: string;
  createdAt: string;
  invites: number;
  /** Invites delivered or read. */
  delivered: number;
  /** Invites whose session is completed. */
  completed: number;
}

/**
 * Counts the invites, reminders, segments and failures of one distribution.
 *
 * @returns undefined when no distribution has this id.
 * @example
 * const report = await loadDistributionReport(db, 3);
 * console.log(report?.invites.delivered);
 */
export async function loadDistributionReport(db: Kysely<Database>, id: number): Promise<DistributionReport | undefined> {
  const distribution = await db.selectFrom('distributions').selectAll().where('id', '=', id).executeTakeFirst();
  if (distribution === undefined) return undefined;

  const { invites, skipReasons } = await countInvites(db, id);
  invites.answered = await countAnsweredInvites(db, id);
  invites.completed = await countCompletedInvites(db, id);

  return {
    id,
    surveyId: distribution.survey_id,
    mode: distribution.mode,
    sender: distribution.sender,
    senderKind: distribution.sender_kind,
    createdAt: distribution.created_at,
    sendAt: distribution.send_at,
    invites,
    skipReasons,
    remindersSent: await countSentReminders(db, id),
    remindersPending: await countPendingReminders(db, id),
    heldForSendingHours: await countHeldInvites(db, id),
    segmentsSent: await sumSegmentsSent(db, id),
    failures: await countFailures(db, id),
  };
}

/** Lists every distribution with its invite, delivered and completed counts, oldest first. */
export async function listDistributions(db: Kysely<Database>): Promise<DistributionSummary[]> {
  const rows = await db
    .selectFrom('distributions as d')
    .leftJoin('outbound_messages as m', (join) => join.onRef('m.distribution_id', '=', 'd.id').on('m.sequence', '=', 0))
    .leftJoin('sessions as s', 's.id', 'm.session_id')
    .select((eb) => [
      'd.id',
      'd.survey_id',
      'd.created_at',
      eb.fn.count<number>('m.id').as('invites'),
      eb.fn.sum<number>(eb.case().when('m.delivery_status', 'in', ['delivered', 'read']).then(1).else(0).end()).as('delivered'),
      eb.fn.sum<number>(eb.case().when('s.status', '=', 'completed').then(1).else(0).end()).as('completed'),
    ])
    .groupBy(['d.id', 'd.survey_id', 'd.created_at'])
    .orderBy('d.id')
    .execute();

  // node-postgres returns counts and sums as strings, and SUM over no rows is null.
  return rows.map((row) => ({
    id: row.id,
    surveyId: row.survey_id,
    createdAt: row.created_at,
    invites: Number(row.invites),
    delivered: Number(row.delivered ?? 0),
    completed: Number(row.completed ?? 0),
  }));
}

async function countInvites(db: Kysely<Database>, id: number): Promise<Pick<DistributionReport, 'invites' | 'skipReasons'>> {
  const rows = await db
    .selectFrom('outbound_messages')
    .select((eb) => ['state', 'delivery_status', 'skip_reason', eb.fn.countAll<number>().as('count')])
    .where('distribution_id', '=', id)
    .where('sequence', '=', 0)
    .groupBy(['state', 'delivery_status', 'skip_reason'])
    .execute();

  const invites: InviteCounts = { total: 0, pending: 0, sent: 0, delivered: 0, failed: 0, canceled: 0, skipped: 0, answered: 0, completed: 0 };
  const skipReasons = new Map<string, number>();
  for (const row of rows) {
    const count = Number(row.count);
    const group = groupInvite(row.state, row.delivery_status);
    invites[group] += count;
    invites.total += count;
    if (group === 'skipped') {
      const reason = row.skip_reason ?? '(none)';
      skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + count);
    }
  }

  const reasons = [...skipReasons].map(([reason, count]) => ({ reason, count }));
  return { invites, skipReasons: sortByCount(reasons, (item) => item.reason) };
}

async function countAnsweredInvites(db: Kysely<Database>, id: number): Promise<number> {
  const row = await db
    .selectFrom('outbound_messages as m')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('m.distribution_id', '=', id)
    .where('m.sequence', '=', 0)
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('answers as a').select('a.id').whereRef('a.session_id', '=', 'm.session_id').where('a.status', '=', 'answered')),
    )
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function countCompletedInvites(db: Kysely<Database>, id: number): Promise<number> {
  const row = await db
    .selectFrom('outbound_messages as m')
    .innerJoin('sessions as s', 's.id', 'm.session_id')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('m.distribution_id', '=', id)
    .where('m.sequence', '=', 0)
    .where('s.status', '=', 'completed')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function countSentReminders(db: Kysely<Database>, id: number): Promise<number> {
  const row = await db
    .selectFrom('outbound_messages')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('distribution_id', '=', id)
    .where('sequence', '>', 0)
    .where('state', '=', 'sent')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function sumSegmentsSent(db: Kysely<Database>, id: number): Promise<number> {
  const row = await db
    .selectFrom('outbound_messages')
    .select((eb) => eb.fn.sum<number>('segments').as('segments'))
    .where('distribution_id', '=', id)
    .where('message_sid', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.segments ?? 0);
}

async function countFailures(db: Kysely<Database>, id: number): Promise<DistributionReport['failures']> {
  const rows = await db
    .selectFrom('outbound_messages')
    .select((eb) => ['error_code', eb.fn.countAll<number>().as('count')])
    .where('distribution_id', '=', id)
    .where((eb) => eb.or([eb('state', '=', 'failed'), eb('delivery_status', 'in', ['failed', 'undelivered'])]))
    .groupBy('error_code')
    .execute();
  const failures = rows.map((row) => ({ errorCode: row.error_code, count: Number(row.count) }));
  return sortByCount(failures, (failure) => String(failure.errorCode ?? ''));
}

/** Sorts by count, largest first, then by `key`, so equal counts print in a stable order. */
function sortByCount<T extends { count: number }>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => b.count - a.count || key(a).localeCompare(key(b)));
}

async function countPendingReminders(db: Kysely<Database>, id: number): Promise<number> {
  const row = await db
    .selectFrom('outbound_messages')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('distribution_id', '=', id)
    .where('sequence', '>', 0)
    .where('state', 'in', ['pending', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function countHeldInvites(db: Kysely<Database>, id: number): Promise<DistributionReport['heldForSendingHours']> {
  const row = await db
    .selectFrom('outbound_messages')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('not_before').as('firstAt')])
    .where('distribution_id', '=', id)
    .where('sequence', '=', 0)
    .where('state', '=', 'pending')
    .where('held_from', 'is not', null)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), firstAt: row.count > 0 ? (row.firstAt ?? null) : null };
}
