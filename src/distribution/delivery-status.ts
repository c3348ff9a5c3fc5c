import type { DeliveryStatus } from '../storage/tables.ts';

/**
 * Rank of each status Twilio reports for an outbound message, in the order a message
 * moves through them. Twilio does not promise that status callbacks arrive in that
 * order, so a stored status is replaced only by one of higher rank.
 *
 * @remarks The four final statuses share a rank, so the first one that arrives stays.
 * `read` ranks above them because a message can be read only after it was delivered.
 */
const RANK: Readonly<Record<DeliveryStatus, number>> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  read: 5,
};

/** Every status Parley ranks; a callback with any other status is stored but not applied. */
export const DELIVERY_STATUSES = Object.keys(RANK) as DeliveryStatus[];

/** Statuses after which Twilio makes no further delivery attempt. */
export const FINAL_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['delivered', 'undelivered', 'failed', 'canceled', 'read'];

export function isDeliveryStatus(status: string): status is DeliveryStatus {
  return Object.hasOwn(RANK, status);
}

/**
 * Returns whether a message whose stored status is `current` (null before any
 * callback) moves to `next`.
 *
 * @example
 * movesForward('delivered', 'sent'); // false: the late `sent` is ignored
 * movesForward('delivered', 'read'); // true
 */
export function movesForward(current: DeliveryStatus | null, next: DeliveryStatus): boolean {
  return current === null || RANK[current] < RANK[next];
}

/**
 * Lists the stored statuses that `next` replaces, besides null. The store puts them
 * in the UPDATE's WHERE clause, so two callbacks racing for one message cannot move
 * it backwards.
 */
export function statusesReplacedBy(next: DeliveryStatus): DeliveryStatus[] {
  return DELIVERY_STATUSES.filter((status) => RANK[status] < RANK[next]);
}
