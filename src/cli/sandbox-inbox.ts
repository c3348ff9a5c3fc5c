import type { Config } from '../config/config.ts';
import type { TwilioCredentials } from '../config/twilio-credentials.ts';
import { fetchSandboxApiUrl } from '../distribution/outbound-twilio.ts';
import { createTwilioClient } from '../twilio/rest-client.ts';

/** How far back `parley chat` shows invitations that arrived before it started. */
const LOOKBACK_MS = 60 * 60 * 1000;

/**
 * The messages that distributions sent to one phone through the sandbox's fake
 * Twilio, so that `parley chat` can show invitations and reminders as a phone would.
 * Replies to the phone's own texts come back in the webhook's TwiML instead.
 */
export class SandboxInbox {
  readonly #client: ReturnType<typeof createTwilioClient>;
  readonly #phone: string;
  readonly #seen = new Set<string>();
  readonly #since = Date.now() - LOOKBACK_MS;

  private constructor(client: ReturnType<typeof createTwilioClient>, phone: string) {
    this.#client = client;
    this.#phone = phone;
  }

  /** Returns the inbox, or undefined outside sandbox mode or when the server at `serverUrl` runs no fake Twilio. */
  static async open(config: Config, credentials: TwilioCredentials, phone: string, serverUrl: string): Promise<SandboxInbox | undefined> {
    if (!credentials.sandbox) return undefined;
    const apiUrl = config.twilioApiUrl ?? (await fetchSandboxApiUrl(serverUrl).catch(() => undefined));
    if (apiUrl === undefined) return undefined;
    return new SandboxInbox(createTwilioClient({ accountSid: credentials.accountSid, authToken: credentials.authToken, apiUrl, timeoutMs: 5000 }), phone);
  }

  /** Bodies of the messages not returned before, oldest first. */
  async takeNew(): Promise<string[]> {
    const messages = await this.#client.messages.list({ to: this.#phone, limit: 50 });
    return messages
      .filter((message) => !this.#seen.has(message.sid) && message.dateCreated.getTime() >= this.#since)
      .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
      .map((message) => {
        this.#seen.add(message.sid);
        return message.body;
      });
  }
}
