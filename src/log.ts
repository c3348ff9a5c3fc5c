import pino, { type Logger } from 'pino';

export type { Logger };

/** Creates the process logger. Secrets never reach it: the auth token is redacted by key too. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'parley' },
      redact: { paths: ['authToken', '*.authToken', 'twilioAuthToken', '*.twilioAuthToken'], censor: '[secret]' },
    },
    destination,
  );
}

/**
 * Masks a phone number for info-level logs: "+15555550123" becomes "+1555•••0123".
 * Short or non-phone senders (alphanumeric IDs) are masked the same way.
 */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '•'.repeat(phone.length);
  return `${phone.slice(0, 4)}•••${phone.slice(-4)}`;
}
