import type twilio from 'twilio';
import { GSM_EQUIVALENTS, GSM_EQUIVALENT_PATTERN } from '../sms/gsm-equivalents.ts';
import type { DeliveryStatus, SenderKind } from '../storage/tables.ts';

export interface OutboundSender {
  value: string;
  kind: SenderKind;
}

export interface CreatedMessage {
  sid: string;
  status: DeliveryStatus;
}

export interface SendRequest {
  to: string;
  body: string;
  sender: OutboundSender;
  statusCallback: string;
}

export interface SentLookup {
  to: string;
  body: string;
  sender: OutboundSender;
  /** Only messages Twilio created at or after this time. */
  createdSince: Date;
}

/**
 * The two calls distributions make to Twilio's Messages API, over the real `twilio`
 * client: create a message, and find a message that an interrupted create may have
 * left behind.
 */
export class MessageApi {
  #client: twilio.Twilio;

  constructor(client: twilio.Twilio) {
    this.#client = client;
  }

  /** Sends the next requests through another client, as when the API moved to a new address. */
  replaceClient(client: twilio.Twilio): void {
    this.#client = client;
  }

  /** Sends through `messages.create`; errors are the twilio package's own (RestException, or a network error). */
  async create({ to, body, sender, statusCallback }: SendRequest): Promise<CreatedMessage> {
    const message = await this.#client.messages.create({
      to,
      body,
      statusCallback,
      ...(sender.kind === 'messaging_service' ? { messagingServiceSid: sender.value } : { from: sender.value }),
    });
    return { sid: message.sid, status: message.status as DeliveryStatus };
  }

  /**
   * Messages to `to` from the sender with this body, created since `createdSince`,
   * newest first. Bodies are compared after Smart Encoding's replacements (curly
   * quotes and the like), which Twilio may apply before storing a message.
   */
  async findSent({ to, body, sender, createdSince }: SentLookup): Promise<CreatedMessage[]> {
    const isService = sender.kind === 'messaging_service';
    const messages = await this.#client.messages.list({ to, ...(isService ? {} : { from: sender.value }), limit: 100 });
    const wanted = smartEncoded(body);
    return messages
      .filter((message) => (isService ? message.messagingServiceSid === sender.value : message.from === sender.value))
      .filter((message) => message.dateCreated.getTime() >= createdSince.getTime())
      .filter((message) => message.body === body || smartEncoded(message.body) === wanted)
      .map((message) => ({ sid: message.sid, status: message.status as DeliveryStatus }));
  }
}

function smartEncoded(text: string): string {
  return text.replace(GSM_EQUIVALENT_PATTERN, (character) => GSM_EQUIVALENTS.get(character)!.replacement);
}
