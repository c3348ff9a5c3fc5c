import MessagingResponse from 'twilio/lib/twiml/MessagingResponse.js';

// Characters XML 1.0 forbids even when escaped; the TwiML builder throws on them.
const XML_ILLEGAL = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Renders a messaging TwiML response with at most one `<Message>`: one message per
 * inbound text, because two separate messages may reach the phone out of order.
 * The builder escapes `&`, `<` and `>`; characters XML cannot carry, lone surrogates included, are dropped.
 */
export function messagingResponse(text: string | null): string {
  const response = new MessagingResponse();
  if (text !== null && text !== '') {
    response.message(toXmlText(text));
  }
  return response.toString();
}

/** Drops the characters XML 1.0 cannot carry, lone surrogates included, even escaped. */
export function toXmlText(text: string): string {
  return text.replace(XML_ILLEGAL, '');
}
