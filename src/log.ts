import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Stream that receives the JSON lines; standard output when unset. */
  destination?: pino.DestinationStream;
  /** Formats lines for people with pino-pretty, when that package is installed. */
  pretty?: boolean;
}

/** Creates the process logger. The auth token is redacted by key, in case one is ever passed in. */
export function createLogger({ level, destination, pretty = false }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'parley' },
    redact: { paths: ['authToken', '*.authToken', 'twilioAuthToken', '*.twilioAuthToken'], censor: '[secret]' },
  };
  if (pretty && destination === undefined && isInstalled('pino-pretty')) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,service' } } });
  }
  return destination === undefined ? pino(options) : pino(options, destination);
}

function isInstalled(specifier: string): boolean {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * Masks a phone number for info-level logs: "+15555550123" becomes "+155•••0123".
 * Short or non-phone senders, such as alphanumeric IDs, are masked the same way.
 */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return '•'.repeat(phone.length);
  return `${phone.slice(0, 4)}•••${phone.slice(-4)}`;
}

/**
 * Logs a recurring warning at most once per interval per key, with the number of
 * occurrences since the last line, so a flood of bad requests cannot flood the log.
 */
export class WarningThrottle {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #lastLogged = new Map<string, { at: number; suppressed: number }>();

  constructor(logger: Logger, { intervalMs = 60_000 }: { intervalMs?: number } = {}) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const last = this.#lastLogged.get(key);
    if (last !== undefined && now - last.at < this.#intervalMs) {
      last.suppressed++;
      return;
    }
    this.#lastLogged.set(key, { at: now, suppressed: 0 });
    this.#logger.warn({ ...fields, ...(last?.suppressed ? { repeatedSinceLastLog: last.suppressed } : {}) }, message);
  }
}
