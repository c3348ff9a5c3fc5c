/**
 * Spaces the requests of each sender so that it never sends more segments per second
 * than its rate: after a message of N segments, the sender's next request waits
 * N / rate seconds. It keeps to the wall clock, not to the dispatcher's clock, because
 * the rate is Twilio's and Twilio counts in real time.
 */
export class SenderPacer {
  /** Epoch milliseconds before which each sender may not start another request. */
  readonly #readyAt = new Map<string, number>();

  /** Books the sender's next slot for `segments` and resolves when that slot begins. */
  async reserve(sender: string, segments: number, segmentsPerSecond: number, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const start = Math.max(now, this.#readyAt.get(sender) ?? 0);
    this.#readyAt.set(sender, start + (segments * 1000) / segmentsPerSecond);
    if (start > now) await sleep(start - now, signal);
  }

  /** Gives back a slot reserved for a message that was not sent after all. */
  release(sender: string, segments: number, segmentsPerSecond: number): void {
    const readyAt = this.#readyAt.get(sender);
    if (readyAt === undefined) return;
    this.#readyAt.set(sender, Math.max(Date.now(), readyAt - (segments * 1000) / segmentsPerSecond));
  }

  /** Holds every request of the sender back for `ms`, as after Twilio's "too many requests". */
  holdBack(sender: string, ms: number): void {
    this.#readyAt.set(sender, Math.max(this.#readyAt.get(sender) ?? 0, Date.now() + ms));
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
