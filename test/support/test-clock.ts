import type { Clock } from '../../src/engine/inbound-message.ts';

/** A clock that moves only when a test tells it to. */
export class TestClock implements Clock {
  #now: number;

  constructor(start = '2026-12-04T12:00:00.000Z') {
    this.#now = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}
