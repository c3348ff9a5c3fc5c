import { type FakeMessage, messagesPath, toMessageResource } from './message-resource.ts';
import { TwilioApiError } from './twilio-api-error.ts';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A bound on `date_sent`, from a `DateSent`, `DateSent<` or `DateSent>` query parameter. */
interface SentRange {
  from: number;
  /** Exclusive. */
  until: number;
}

/**
 * Builds one page of `GET .../Messages.json`: the account's messages, newest first,
 * filtered by `To`, `From`, `DateSent` (that UTC day), `DateSent<` (on or before)
 * and `DateSent>` (on or after), with Twilio's paging fields. `PageToken` is the SID
 * of the last message of the previous page, so messages created while a client pages
 * through do not shift later pages. Without it, `Page` and `PageSize` select the page.
 *
 * NOTE: Twilio documents the DateSent filters with dates (YYYY-MM-DD), but the twilio
 * package sends date-times. The fake reads a date-time as that instant, and as its
 * UTC day for plain `DateSent`; how Twilio reads them is not checked.
 */
export function listMessagesPage(messages: readonly FakeMessage[], accountSid: string, query: URLSearchParams): Record<string, unknown> {
  const pageSize = readPageSize(query.get('PageSize'));
  const page = readNonNegativeInteger('Page', query.get('Page')) ?? 0;
  const range = readSentRange(query);
  const to = query.get('To');
  const from = query.get('From');

  const matching = messages
    .filter((message) => message.accountSid === accountSid)
    .filter((message) => to === null || message.to === to)
    .filter((message) => from === null || message.from === from)
    .filter((message) => range === undefined || isSentWithin(message, range))
    .reverse();

  const pageToken = query.get('PageToken');
  const tokenIndex = pageToken === null ? -1 : matching.findIndex((message) => `PA${message.sid}` === pageToken);
  const start = tokenIndex >= 0 ? tokenIndex + 1 : page * pageSize;
  const items = matching.slice(start, start + pageSize);
  const hasNext = start + pageSize < matching.length;

  const path = messagesPath(accountSid);
  const filters = new URLSearchParams([...query].filter(([key]) => !['Page', 'PageSize', 'PageToken'].includes(key)));
  const pageUri = (pageNumber: number, token?: string): string => {
    const params = new URLSearchParams(filters);
    params.set('PageSize', String(pageSize));
    params.set('Page', String(pageNumber));
    if (token !== undefined) params.set('PageToken', token);
    return `${path}?${params}`;
  };
  const lastItem = items.at(-1);

  return {
    end: start + items.length - 1,
    first_page_uri: pageUri(0),
    messages: items.map(toMessageResource),
    next_page_uri: hasNext && lastItem !== undefined ? pageUri(page + 1, `PA${lastItem.sid}`) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    start,
    uri: pageToken === null ? pageUri(page) : pageUri(page, pageToken),
  };
}

function readPageSize(value: string | null): number {
  const size = readNonNegativeInteger('PageSize', value) ?? DEFAULT_PAGE_SIZE;
  if (size < 1 || size > MAX_PAGE_SIZE) {
    throw new TwilioApiError(400, 400, `PageSize ${size} is out of range; use 1 to ${MAX_PAGE_SIZE}.`);
  }
  return size;
}

function readNonNegativeInteger(name: string, value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new TwilioApiError(400, 400, `${name} ${JSON.stringify(value)} is not a non-negative integer.`);
  }
  return Number(value);
}

function readSentRange(query: URLSearchParams): SentRange | undefined {
  const on = query.get('DateSent');
  const before = query.get('DateSent<');
  const after = query.get('DateSent>');
  if (on === null && before === null && after === null) return undefined;

  const range: SentRange = { from: -Infinity, until: Infinity };
  if (on !== null) {
    const day = startOfUtcDay(readDate('DateSent', on));
    range.from = day;
    range.until = day + DAY_MS;
  }
  if (before !== null) {
    const time = readDate('DateSent<', before);
    range.until = Math.min(range.until, DATE_ONLY.test(before) ? time + DAY_MS : time + 1);
  }
  if (after !== null) {
    range.from = Math.max(range.from, readDate('DateSent>', after));
  }
  return range;
}

function readDate(name: string, value: string): number {
  const time = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) {
    throw new TwilioApiError(400, 400, `${name} ${JSON.stringify(value)} is not a date; use YYYY-MM-DD or an ISO 8601 date-time.`);
  }
  return time;
}

function startOfUtcDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

// Compares date_sent, which has whole seconds. A message that has not been sent yet
// has no date_sent, so no DateSent filter matches it.
function isSentWithin(message: FakeMessage, range: SentRange): boolean {
  if (message.sentAt === null) return false;
  const time = Math.floor(message.sentAt.getTime() / 1000) * 1000;
  return time >= range.from && time < range.until;
}
