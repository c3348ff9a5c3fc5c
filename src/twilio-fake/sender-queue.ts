export interface SenderQueueOptions {
  /** Rate of a sender with no rate of its own, in message segments per second. */
  defaultSegmentsPerSecond: number;
  /** Rates by sender (phone number, sender ID or Messaging Service SID), in segments per second. */
  segmentsPerSecondBySender: Record<string, number>;
}

interface QueuedMessage {
  segments: number;
  send: (sentAt: Date) => void;
}

interface SenderState {
  messages: QueuedMessage[];
  /** Epoch milliseconds before which the sender may not send again. */
  readyAt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Paces outbound messages per sender, as Twilio's outbound queue does. A sender
 * sends one message at a time in arrival order, and after a message of N segments
 * it waits N / rate seconds before the next, so consecutive send times of one
 * sender are at least that far apart. Senders do not wait for each other.
 *
 * NOTE: Twilio rejects new messages with 21611 once a sender's queue contains more
 * than 10 hours of sending; this queue has no length limit.
 */
export class SenderQueue {
  readonly #defaultRate: number;
  readonly #rates: Map<string, number>;
  readonly #senders = new Map<string, SenderState>();

  constructor({ defaultSegmentsPerSecond, segmentsPerSecondBySender }: SenderQueueOptions) {
    this.#defaultRate = defaultSegmentsPerSecond;
    this.#rates = new Map(Object.entries(segmentsPerSecondBySender));
  }

  /** Sets a sender's rate in segments per second; it applies from the sender's next message. */
  setRate(sender: string, segmentsPerSecond: number): void {
    this.#rates.set(sender, segmentsPerSecond);
  }

  rateOf(sender: string): number {
    return this.#rates.get(sender) ?? this.#defaultRate;
  }

  /** Queues a message; `send` runs with the send time when the message leaves the queue, never synchronously. */
  enqueue(sender: string, segments: number, send: (sentAt: Date) => void): void {
    let state = this.#senders.get(sender);
    if (state === undefined) {
      state = { messages: [], readyAt: 0, timer: undefined };
      this.#senders.set(sender, state);
    }

    state.messages.push({ segments, send });
    if (state.timer === undefined) this.#schedule(sender, state);
  }

  /** Stops all timers; messages still queued are never sent. */
  close(): void {
    for (const state of this.#senders.values()) {
      clearTimeout(state.timer);
      state.timer = undefined;
      state.messages.length = 0;
    }
  }

  #schedule(sender: string, state: SenderState): void {
    const wait = Math.max(0, state.readyAt - Date.now());
    state.timer = setTimeout(() => this.#drain(sender, state), wait);
  }

  #drain(sender: string, state: SenderState): void {
    state.timer = undefined;

    // A timer may fire a millisecond before Date.now() reaches readyAt; waiting again
    // keeps the spacing between send times exact.
    const now = Date.now();
    const next = state.messages[0];
    if (next === undefined) return;
    if (now < state.readyAt) {
      this.#schedule(sender, state);
      return;
    }

    state.messages.shift();
    state.readyAt = now + (next.segments * 1000) / this.rateOf(sender);
    next.send(new Date(now));
    if (state.messages.length > 0) this.#schedule(sender, state);
  }
}
