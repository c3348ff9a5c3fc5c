import type { SendWindow } from '../config/config.ts';

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 24 * 60;

/** How far ahead {@link nextSendTime} looks for a minute that is inside the window in every zone. */
const MAX_SEARCH_MS = 8 * MINUTES_PER_DAY * MINUTE_MS;

/** Formatters by zone, created once, so each local time costs one format call and no new formatter. */
const formatters = new Map<string, Intl.DateTimeFormat>();

interface LocalTime {
  /** Minutes after local midnight, 0 to 1439. */
  minuteOfDay: number;
  /** Local time minus UTC, in minutes. It changes at daylight saving time transitions. */
  offsetMinutes: number;
}

/**
 * Returns the first time at or after `now` when the local time of day is inside
 * `window` in every one of `zones`. A contact whose number gives only the country may
 * be in any of its zones, so a US number waits until the window is open from Honolulu
 * to New York.
 *
 * The window's end is exclusive, and a window whose end is before its start wraps
 * past midnight (22:00-06:00). Local times come from Intl, so daylight saving time
 * is followed: a start time that a spring-forward transition skips opens the window
 * at the transition. An undefined window or an empty zone list allows every time.
 *
 * When no minute within 8 days is inside the window in all zones, because the zones
 * are too far apart for the window (Russia's zones span 10 hours, more than a
 * 09:00-17:00 window), the result follows the first zone alone.
 *
 * @example
 * // 03:00 in Chicago on 15 January: sending waits until 09:00 there (15:00 UTC).
 * nextSendTime(new Date('2026-01-15T09:00:00Z'), { startMinute: 540, endMinute: 1200 }, ['America/Chicago']);
 */
export function nextSendTime(now: Date, window: SendWindow | undefined, zones: string[]): Date {
  if (window === undefined) return now;

  const inEveryZone = searchSendTime(now, window, zones);
  if (inEveryZone !== undefined) return inEveryZone;

  // A single zone reaches a non-empty window every day, or a day later when a
  // transition skips it, so this search finds a time and `now` only satisfies the type.
  return searchSendTime(now, window, zones.slice(0, 1)) ?? now;
}

/** Finds the first time within {@link MAX_SEARCH_MS} of `now` that is inside the window in all zones. */
function searchSendTime(now: Date, window: SendWindow, zones: string[]): Date | undefined {
  const searchEnd = now.getTime() + MAX_SEARCH_MS;
  let at = now.getTime();

  while (at <= searchEnd) {
    // The zone whose window opens last decides the next candidate: no earlier minute
    // can be inside the window there.
    let wait = 0;
    let lastZone = '';
    let lastZoneOffset = 0;
    for (const zone of zones) {
      const local = localTime(at, zone);
      if (isInsideWindow(local.minuteOfDay, window)) continue;

      const minutesUntilOpen = (window.startMinute - local.minuteOfDay + MINUTES_PER_DAY) % MINUTES_PER_DAY;
      if (minutesUntilOpen > wait) {
        wait = minutesUntilOpen;
        lastZone = zone;
        lastZoneOffset = local.offsetMinutes;
      }
    }
    if (wait === 0) return at === now.getTime() ? now : new Date(at);

    // The local clock runs with real time unless the zone's offset changes on the
    // way, so the window opens `wait` minutes later only if the offset stays the
    // same. Otherwise the search continues from the transition.
    const startOfMinute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    const opening = startOfMinute + wait * MINUTE_MS;
    at = localTime(opening, lastZone).offsetMinutes === lastZoneOffset ? opening : findOffsetChange(startOfMinute, opening, lastZone);
  }
  return undefined;
}

/**
 * Finds, by binary search, the first whole minute in (`from`, `to`] whose offset in
 * `zone` differs from the offset at `from`. The span is at most a day, and a zone
 * that changed its offset twice within it would be missed.
 */
function findOffsetChange(from: number, to: number, zone: string): number {
  const offsetBefore = localTime(from, zone).offsetMinutes;
  let before = from;
  let after = to;
  while (after - before > MINUTE_MS) {
    const middle = before + Math.floor((after - before) / MINUTE_MS / 2) * MINUTE_MS;
    if (localTime(middle, zone).offsetMinutes === offsetBefore) {
      before = middle;
    } else {
      after = middle;
    }
  }
  return after;
}

function isInsideWindow(minuteOfDay: number, { startMinute, endMinute }: SendWindow): boolean {
  if (startMinute < endMinute) return minuteOfDay >= startMinute && minuteOfDay < endMinute;
  return minuteOfDay >= startMinute || minuteOfDay < endMinute;
}

function localTime(at: number, zone: string): LocalTime {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, formatter);
  }

  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const hour = parts.hour ?? 0;
  const minute = parts.minute ?? 0;

  // The local wall-clock time read as if it were UTC, minus the real instant, is the offset.
  const wallClock = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, hour, minute);
  const startOfMinute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  return { minuteOfDay: hour * 60 + minute, offsetMinutes: Math.round((wallClock - startOfMinute) / MINUTE_MS) };
}
