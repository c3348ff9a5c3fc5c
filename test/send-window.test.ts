import { describe, expect, it } from 'vitest';
import type { SendWindow } from '../src/config/config.ts';
import { guessTimezones } from '../src/contacts/contact-timezones.ts';
import { nextSendTime } from '../src/distribution/send-window.ts';

/** Builds a window from "HH:MM" local times. */
function sendWindow(start: string, end: string): SendWindow {
  const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  return { startMinute: minutes(start), endMinute: minutes(end) };
}

/** Formats an instant as local "YYYY-MM-DD HH:MM:SS" in `zone`, for readable assertions. */
function localClock(at: Date, zone: string): string {
  return at.toLocaleString('sv-SE', { timeZone: zone });
}

const DAYTIME = sendWindow('09:00', '20:00');

describe('nextSendTime, quiet hours with a frozen clock', () => {
  it('waits from 03:00 until 09:00 in Chicago', () => {
    const now = new Date('2026-01-15T09:00:00Z');

    const sendAt = nextSendTime(now, DAYTIME, ['America/Chicago']);

    expect(sendAt.toISOString()).toBe('2026-01-15T15:00:00.000Z');
    expect(localClock(sendAt, 'America/Chicago')).toBe('2026-01-15 09:00:00');
  });

  it('sends at once inside the window', () => {
    const now = new Date('2026-01-15T20:00:00Z');

    expect(nextSendTime(now, DAYTIME, ['America/Chicago'])).toBe(now);
  });

  it('treats 19:59 as inside', () => {
    const now = new Date('2026-01-16T01:59:00Z');

    expect(nextSendTime(now, DAYTIME, ['America/Chicago'])).toBe(now);
  });

  it('treats 20:00 exactly as outside', () => {
    const now = new Date('2026-01-16T02:00:00Z');

    const sendAt = nextSendTime(now, DAYTIME, ['America/Chicago']);

    expect(localClock(now, 'America/Chicago')).toBe('2026-01-15 20:00:00');
    expect(sendAt.toISOString()).toBe('2026-01-16T15:00:00.000Z');
  });

  it('sends at the opening minute, not mid-minute', () => {
    const now = new Date('2026-01-15T14:59:30Z');

    expect(nextSendTime(now, DAYTIME, ['America/Chicago']).toISOString()).toBe('2026-01-15T15:00:00.000Z');
  });

  it('waits for Honolulu and New York alike', () => {
    const zones = guessTimezones('+12015550123');
    const now = new Date('2026-01-15T14:00:00Z');

    const sendAt = nextSendTime(now, DAYTIME, zones);

    expect(localClock(now, 'America/New_York')).toBe('2026-01-15 09:00:00');
    expect(sendAt.toISOString()).toBe('2026-01-15T19:00:00.000Z');
    expect(localClock(sendAt, 'Pacific/Honolulu')).toBe('2026-01-15 09:00:00');
    expect(localClock(sendAt, 'America/New_York')).toBe('2026-01-15 14:00:00');
  });

  it('skips a US evening to the next day', () => {
    const zones = guessTimezones('+12015550123');
    const now = new Date('2026-01-16T01:00:00Z');

    const sendAt = nextSendTime(now, DAYTIME, zones);

    expect(localClock(now, 'America/New_York')).toBe('2026-01-15 20:00:00');
    expect(sendAt.toISOString()).toBe('2026-01-16T19:00:00.000Z');
  });

  it('follows Berlin into summer time', () => {
    // Clocks in Berlin go from 02:00 CET to 03:00 CEST at 01:00 UTC on 29 March 2026.
    const now = new Date('2026-03-29T00:30:00Z');

    const sendAt = nextSendTime(now, DAYTIME, ['Europe/Berlin']);

    expect(localClock(now, 'Europe/Berlin')).toBe('2026-03-29 01:30:00');
    expect(sendAt.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(localClock(sendAt, 'Europe/Berlin')).toBe('2026-03-29 09:00:00');
  });

  it('opens a skipped start at the transition', () => {
    const now = new Date('2026-03-29T00:30:00Z');

    const sendAt = nextSendTime(now, sendWindow('02:30', '06:00'), ['Europe/Berlin']);

    expect(sendAt.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(localClock(sendAt, 'Europe/Berlin')).toBe('2026-03-29 03:00:00');
  });

  it('follows Berlin back to winter time', () => {
    // Clocks in Berlin go from 03:00 CEST back to 02:00 CET at 01:00 UTC on 25 October 2026.
    const now = new Date('2026-10-25T00:30:00Z');

    const sendAt = nextSendTime(now, DAYTIME, ['Europe/Berlin']);

    expect(sendAt.toISOString()).toBe('2026-10-25T08:00:00.000Z');
    expect(localClock(sendAt, 'Europe/Berlin')).toBe('2026-10-25 09:00:00');
  });

  it('reopens when clocks fall back into the window', () => {
    // 02:45 CEST is past a 02:30 end, but at 01:00 UTC the clock reads 02:00 CET again.
    const now = new Date('2026-10-25T00:45:00Z');

    const sendAt = nextSendTime(now, sendWindow('22:00', '02:30'), ['Europe/Berlin']);

    expect(localClock(now, 'Europe/Berlin')).toBe('2026-10-25 02:45:00');
    expect(sendAt.toISOString()).toBe('2026-10-25T01:00:00.000Z');
  });

  it.each([
    ['12:00', '2026-01-15T22:00:00.000Z'],
    ['21:59', '2026-01-15T22:00:00.000Z'],
    ['22:00', '2026-01-15T22:00:00.000Z'],
    ['23:00', '2026-01-15T23:00:00.000Z'],
    ['05:59', '2026-01-15T05:59:00.000Z'],
    ['06:00', '2026-01-15T22:00:00.000Z'],
  ])('wraps 22:00-06:00 past midnight at %s', (time, expected) => {
    const now = new Date(`2026-01-15T${time}:00Z`);

    expect(nextSendTime(now, sendWindow('22:00', '06:00'), ['UTC']).toISOString()).toBe(expected);
  });

  it('allows any time without a window', () => {
    const now = new Date('2026-01-15T09:00:00Z');

    expect(nextSendTime(now, undefined, ['America/Chicago'])).toBe(now);
  });

  it('allows any time without zones', () => {
    const now = new Date('2026-01-15T09:00:00Z');

    expect(nextSendTime(now, DAYTIME, [])).toBe(now);
  });

  it('finds the overlap of distant zones', () => {
    // Kaliningrad (UTC+2) and Kamchatka (UTC+12) share 07:00-08:00 UTC in a 09:00-20:00 window.
    const now = new Date('2026-01-15T08:30:00Z');

    const sendAt = nextSendTime(now, DAYTIME, ['Europe/Kaliningrad', 'Asia/Kamchatka']);

    expect(sendAt.toISOString()).toBe('2026-01-16T07:00:00.000Z');
  });

  it('falls back to the first zone without overlap', () => {
    // A 09:00-17:00 window is shorter than the 10 hours between the zones.
    const now = new Date('2026-01-15T08:30:00Z');
    const window = sendWindow('09:00', '17:00');

    expect(nextSendTime(now, window, ['Europe/Kaliningrad', 'Asia/Kamchatka'])).toBe(now);
    expect(nextSendTime(now, window, ['Asia/Kamchatka', 'Europe/Kaliningrad']).toISOString()).toBe('2026-01-15T21:00:00.000Z');
  });
});
