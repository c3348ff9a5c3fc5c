import type { Logger } from 'pino';
import { WarningThrottle } from '../log.ts';
import type { FakeMessage, MessageStatus } from './message-resource.ts';
import type { SenderQueue } from './sender-queue.ts';
import { postStatusCallback, statusCallbackFields, type StatusCallbackRecord } from './status-callbacks.ts';

/** The final status of messages to one number: `failed` ones never leave the queue, `undelivered` ones are sent but not delivered. */
export interface DeliveryFailure {
  status: 'failed' | 'undelivered';
  /** Twilio's error code for the message, such as 30003 (unreachable handset). */
  errorCode: number;
  errorMessage?: string;
}

export interface MessageDispatcherOptions {
  authToken: string;
  queue: SenderQueue;
  /** Time between `sent` and `delivered` (or `undelivered`), in milliseconds. */
  deliveryDelayMs: number;
  /** The number each Messaging Service sends from, by service SID. */
  messagingServiceNumbers: Record<string, string>;
  /** The number a Messaging Service not in `messagingServiceNumbers` sends from. */
  defaultServiceNumber: string;
  callbackTimeoutMs: number;
  logger: Logger;
}

/**
 * Moves accepted messages through their statuses after the create response and posts
 * each change to the message's StatusCallback URL. The create response shows the
 * initial status, which gets no callback, as on Twilio: `queued` for a message from a
 * number, `accepted` for a Messaging Service message. Then a Messaging Service message
 * becomes `queued` once a number is assigned. Every message becomes `sent` when it
 * leaves its sender's queue, and then `delivered`, unless a `DeliveryFailure` is set
 * for its `To` number.
 * Callbacks of one message are posted one at a time, in status order.
 *
 * NOTE: Twilio may also report `sending` in between; the fake never does.
 */
export class MessageDispatcher {
  readonly callbacks: StatusCallbackRecord[] = [];
  readonly #options: MessageDispatcherOptions;
  readonly #warnings: WarningThrottle;
  readonly #deliveryFailures = new Map<string, DeliveryFailure>();
  readonly #inFlight = new Map<string, { done: Promise<void>; finish: () => void }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #abort = new AbortController();

  constructor(options: MessageDispatcherOptions) {
    this.#options = options;
    this.#warnings = new WarningThrottle(options.logger);
  }

  /** Makes every later message to `to` end with the status and error code of `failure`; `undefined` restores delivery. */
  setDeliveryFailure(to: string, failure: DeliveryFailure | undefined): void {
    if (failure === undefined) this.#deliveryFailures.delete(to);
    else this.#deliveryFailures.set(to, failure);
  }

  /** Starts the life of a message that the create response has already rendered. */
  dispatch(message: FakeMessage): void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#inFlight.set(message.sid, { done, finish });

    let callbacks = Promise.resolve();
    const transition = (status: MessageStatus, failure?: DeliveryFailure): void => {
      message.status = status;
      message.statusHistory.push(status);
      message.dateUpdated = new Date();
      if (failure !== undefined) {
        message.errorCode = failure.errorCode;
        message.errorMessage = failure.errorMessage ?? null;
      }
      const url = message.statusCallback;
      if (url !== null) {
        const fields = statusCallbackFields(message);
        callbacks = callbacks.then(() => this.#post(message.sid, url, status, fields));
      }
    };
    const end = (): void => {
      void callbacks.then(() => {
        this.#inFlight.delete(message.sid);
        finish();
      });
    };

    const send = (sentAt: Date): void => {
      const failure = this.#deliveryFailures.get(message.to);
      if (failure?.status === 'failed') {
        transition('failed', failure);
        end();
        return;
      }
      message.sentAt = sentAt;
      transition('sent');
      this.#later(this.#options.deliveryDelayMs, () => {
        if (failure === undefined) transition('delivered');
        else transition('undelivered', failure);
        end();
      });
    };

    // A message from a number is paced by that number. A Messaging Service message
    // without From is paced by the service SID, as though the service had one number.
    const sender = message.from ?? message.messagingServiceSid ?? '';
    if (message.status === 'accepted') {
      this.#later(0, () => {
        const serviceSid = message.messagingServiceSid ?? '';
        message.from ??= this.#options.messagingServiceNumbers[serviceSid] ?? this.#options.defaultServiceNumber;
        transition('queued');
        this.#options.queue.enqueue(sender, message.numSegments, send);
      });
    } else {
      this.#options.queue.enqueue(sender, message.numSegments, send);
    }
  }

  /** Resolves when every dispatched message has reached its final status and its callback requests have completed. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) {
      await Promise.all([...this.#inFlight.values()].map((entry) => entry.done));
    }
  }

  /** Cancels timers and callbacks in flight; messages keep the status they reached. */
  close(): void {
    this.#abort.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const entry of this.#inFlight.values()) entry.finish();
    this.#inFlight.clear();
  }

  #later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, delayMs);
    this.#timers.add(timer);
  }

  async #post(messageSid: string, url: string, status: MessageStatus, fields: Record<string, string>): Promise<void> {
    const record: StatusCallbackRecord = { messageSid, url, status, fields, responseStatus: null, error: null };
    this.callbacks.push(record);

    try {
      record.responseStatus = await postStatusCallback({
        url,
        fields,
        authToken: this.#options.authToken,
        signal: this.#abort.signal,
        timeoutMs: this.#options.callbackTimeoutMs,
      });
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }

    if (record.error !== null || (record.responseStatus ?? 0) >= 400) {
      this.#warnings.warn(
        `callback ${url}`,
        { messageSid, url, status, responseStatus: record.responseStatus, error: record.error },
        'status callback failed',
      );
    }
  }
}
