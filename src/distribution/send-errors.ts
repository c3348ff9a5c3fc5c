/**
 * What the dispatcher does after a failed `messages.create`:
 * - `retry`: Twilio did not take the message (429 / 20429, 5xx, or no connection);
 *   try again after a backoff;
 * - `permanent`: Twilio refused this message for good; record why and never retry;
 * - `pause`: the account or sender is misconfigured, so every message would fail
 *   alike; keep the message and stop sending until the operator fixes it;
 * - `unknown`: the request may have reached Twilio, as after a timeout or a dropped
 *   connection. The message stays claimed and is looked up at Twilio before any resend.
 */
export type SendErrorAction = 'retry' | 'permanent' | 'pause' | 'unknown';

export interface SendErrorVerdict {
  action: SendErrorAction;
  /** Twilio's error code, when the response had one. */
  code: number | null;
  message: string;
}

/** Account and sender errors: every message would fail the same way, so none is marked failed. */
const SENDER_ERRORS = new Set([20003, 20404, 21212, 21606, 21659, 21703, 21704]);

// Network errors raised before the request left this machine, so Twilio never saw it.
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Sorts an error thrown by the twilio package's `messages.create` into what to do next. */
export function classifySendError(error: unknown): SendErrorVerdict {
  const { status, code, message } = (error ?? {}) as { status?: unknown; code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : String(error);

  if (typeof status === 'number') {
    const twilioCode = typeof code === 'number' ? code : null;
    if (status === 429 || twilioCode === 20429 || status >= 500) return { action: 'retry', code: twilioCode, message: text };
    if (status === 401 || status === 403 || (twilioCode !== null && SENDER_ERRORS.has(twilioCode))) {
      return { action: 'pause', code: twilioCode, message: text };
    }
    return { action: 'permanent', code: twilioCode, message: text };
  }

  if (typeof code === 'string' && NOT_SENT_NETWORK_CODES.has(code)) return { action: 'retry', code: null, message: text };
  return { action: 'unknown', code: null, message: text };
}

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential from one
 * second, capped at five minutes, with jitter so that many messages refused at once
 * do not come back at once.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
