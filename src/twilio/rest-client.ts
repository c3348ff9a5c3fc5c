import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { ParleyError } from '../errors.ts';

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /**
   * Base URL that replaces `https://api.twilio.com` (and every other `*.twilio.com`
   * host), such as a fake's `http://127.0.0.1:40123`; unset means the real Twilio.
   */
  apiUrl?: string;
  /** Request timeout in milliseconds; the twilio package's default is 30 s. */
  timeoutMs?: number;
}

/**
 * Creates a real `twilio` REST client. With `apiUrl`, every request goes to that base
 * URL with the same path and query. The twilio package (6.x) has no base URL option,
 * because each API domain fixes its host, so the client gets an `httpClient` that
 * rewrites each request's URI before sending it.
 *
 * @example
 * const client = createTwilioClient({ accountSid, authToken, apiUrl: process.env.TWILIO_API_URL });
 * await client.messages.create({ to: '+15555550123', from: '+15555550100', body: 'Hi' });
 */
export function createTwilioClient({ accountSid, authToken, apiUrl, timeoutMs }: TwilioClientOptions): twilio.Twilio {
  const httpClient =
    apiUrl === undefined ? new twilio.RequestClient({ timeout: timeoutMs }) : new RedirectingRequestClient(parseApiUrl(apiUrl), timeoutMs);
  return twilio(accountSid, authToken, { httpClient });
}

/** The twilio package's HTTP client, sending every request for a `*.twilio.com` host to another base URL. */
class RedirectingRequestClient extends twilio.RequestClient {
  readonly #baseUrl: string;

  constructor(baseUrl: URL, timeoutMs: number | undefined) {
    super({ timeout: timeoutMs });
    this.#baseUrl = baseUrl.href.replace(/\/$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const isTwilioHost = target.hostname === 'twilio.com' || target.hostname.endsWith('.twilio.com');
    if (!isTwilioHost) return super.request(opts);
    return super.request({ ...opts, uri: `${this.#baseUrl}${target.pathname}${target.search}` });
  }
}

function parseApiUrl(apiUrl: string): URL {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new ParleyError('TWILIO_API_URL_INVALID', `Invalid Twilio API URL ${JSON.stringify(apiUrl)}: use an http or https URL such as http://127.0.0.1:4010.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ParleyError('TWILIO_API_URL_INVALID', `Invalid Twilio API URL ${JSON.stringify(apiUrl)}: use an http or https URL such as http://127.0.0.1:4010.`);
  }
  return url;
}
