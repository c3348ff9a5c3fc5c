/**
 * Runs tasks one at a time per key, in the order `run` was called, while tasks
 * under different keys run concurrently. The engine keys it by respondent and
 * channel, so each message is read against the question pending when its turn comes.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    // A failed task must not block the ones queued behind it, so the chain ignores its outcome.
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Number of keys with a task queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
