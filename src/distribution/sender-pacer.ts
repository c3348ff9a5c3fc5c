/**
 * Spaces the requests of each sender so that it never sends more segments per second
 * than its rate: after a message of N segments, the sender's next request waits
 * N / rate seconds. It keeps to the wall clock, not to the dispatcher's clock, because
 * the rate is Twilio's and Twilio counts in real time.
 */
export class SenderPacer {
  /** Epoch milliseconds before which each sender may not start another request. */
  readonly #readyAt = new Map<string, number>();

  /**
   * Waits for the sender's next slot and books it for `segments`. Calls for one sender
   * must not overlap. The next slot counts from the moment this one really began, since
   * a timer that fires late would otherwise let the following request come early.
   */
  async reserve(sender: string, segments: number, segmentsPerSecond: number, signal?: AbortSignal): Promise<void> {
    const wait = (this.#readyAt.get(sender) ?? 0) - Date.now();
    if (wait > 0) await sleep(wait, signal);
    this.#readyAt.set(sender, Date.now() + (segments * 1000) / segmentsPerSecond);
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
