import { randomBytes } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { WebhookFields } from '../twilio/webhook-form.ts';
import { signTwilioRequest } from '../twilio/webhook-signature.ts';
import { ParleyError } from '../errors.ts';

export interface TwilioPhoneOptions {
  /** Base URL of the running Parley server, such as http://127.0.0.1:3000. */
  serverUrl: string;
  /** The PUBLIC_URL the server verifies signatures against. */
  publicUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  to: string;
  messagingServiceSid?: string | undefined;
}

const twimlParser = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => name === 'Message' });

/**
 * A simulated phone: each text becomes the signed form post Twilio would send for
 * an inbound SMS, and the TwiML reply is turned back into the texts a phone shows.
 */
export class TwilioPhone {
  readonly #options: TwilioPhoneOptions;

  constructor(options: TwilioPhoneOptions) {
    this.#options = options;
  }

  /** Sends one text and returns the messages of the reply (none for an empty response). */
  async send(body: string): Promise<string[]> {
    const { serverUrl, publicUrl, authToken } = this.#options;
    const fields = this.#inboundFields(body);
    const signature = signTwilioRequest(authToken, `${publicUrl}/twilio/messages`, fields);

    let response: Response;
    try {
      response = await fetch(`${serverUrl}/twilio/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
        body: new URLSearchParams(fields as Record<string, string>).toString(),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ParleyError('SERVER_UNREACHABLE', `Could not reach Parley at ${serverUrl} (${reason}). Start it with \`npm start\`, or pass --url.`);
    }

    const text = await response.text();
    if (response.status === 403) {
      throw new ParleyError(
        'SIGNATURE_REJECTED',
        `The server rejected the signature (signed for ${publicUrl}/twilio/messages). Run chat with the same TWILIO_AUTH_TOKEN, PUBLIC_URL, PORT and DATA_DIR as the server.`,
      );
    }
    if (!response.ok) {
      throw new ParleyError('REQUEST_FAILED', `The server returned HTTP ${response.status}: ${text.slice(0, 500)}`);
    }
    return messagesOf(text);
  }

  #inboundFields(body: string): WebhookFields {
    const { accountSid, from, to, messagingServiceSid } = this.#options;
    const sid = `SM${randomBytes(16).toString('hex')}`;
    // Same fields and order as Twilio's inbound SMS webhook; geography is left blank.
    const fields: WebhookFields = {
      ToCountry: '',
      ToState: '',
      SmsMessageSid: sid,
      NumMedia: '0',
      ToCity: '',
      FromZip: '',
      SmsSid: sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: body,
      FromCountry: '',
      To: to,
      ToZip: '',
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: accountSid,
      From: from,
      ApiVersion: '2010-04-01',
    };
    if (messagingServiceSid !== undefined) fields.MessagingServiceSid = messagingServiceSid;
    return fields;
  }
}

/** Extracts the texts of the `<Message>` elements of a TwiML response. */
export function messagesOf(twiml: string): string[] {
  const parsed = twimlParser.parse(twiml) as { Response?: { Message?: Array<string | { '#text'?: string }> } | string };
  const response = parsed.Response;
  if (response === undefined || typeof response === 'string') return [];
  return (response.Message ?? []).map((message) => (typeof message === 'string' ? message : (message['#text'] ?? '')));
}
