import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { ParleyError } from '../errors.ts';
import { createFakeTwilioApp } from './fake-twilio-app.ts';
import { type CreateRejection, FaultInjection } from './fault-injection.ts';
import { type DeliveryFailure, MessageDispatcher } from './message-dispatcher.ts';
import type { FakeMessage } from './message-resource.ts';
import { SenderQueue } from './sender-queue.ts';
import type { StatusCallbackRecord } from './status-callbacks.ts';

export interface FakeTwilioOptions {
  /** The account the fake serves: `AC` and 32 hexadecimal digits. */
  accountSid: string;
  /** The password of HTTP Basic authentication, and the key that signs status callbacks. */
  authToken: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Sending rate of each sender, in message segments per second; 1 is Twilio's rate for a US long code. */
  segmentsPerSecond?: number;
  /** Rates of particular senders (phone number or Messaging Service SID), in segments per second. */
  segmentsPerSecondBySender?: Record<string, number>;
  /** The number each Messaging Service sends from, by service SID; others send from +15005550006. */
  messagingServiceNumbers?: Record<string, string>;
  /** Time between `sent` and `delivered`, in milliseconds. */
  deliveryDelayMs?: number;
  /** How long to wait for a status callback receiver, in milliseconds. */
  callbackTimeoutMs?: number;
  /** Defaults to a silent logger. */
  logger?: Logger;
}

/** A running fake of Twilio's Messages API. */
export interface FakeTwilio {
  /** Base URL, such as `http://127.0.0.1:40123`, to pass as `apiUrl` to `createTwilioClient`. */
  readonly url: string;
  /** Every accepted message in creation order, updated as its status changes. */
  readonly messages: readonly FakeMessage[];
  /** Every status callback request sent, in the order sent. */
  readonly statusCallbacks: readonly StatusCallbackRecord[];
  /** Makes the next `count` API requests fail with 429 (code 20429) or 500 (code 20500), unprocessed. */
  failNextRequests(count: number, status: 429 | 500): void;
  /** Delays every request by `ms` milliseconds before it is processed; 0 removes the delay. */
  setResponseDelay(ms: number): void;
  /** Delays every response by `ms` milliseconds after its request was processed (a message created); 0 removes the delay. */
  setDelayAfterProcessing(ms: number): void;
  /** Rejects every create request with the given error until called with `undefined`. */
  rejectCreates(rejection: CreateRejection | undefined): void;
  /** Makes later messages to `to` fail or go undelivered with an error code; `undefined` restores delivery. */
  setDeliveryFailure(to: string, failure: DeliveryFailure | undefined): void;
  /** Sets a sender's rate in segments per second, from its next message on. */
  setSenderRate(sender: string, segmentsPerSecond: number): void;
  /** Resolves when every accepted message has reached its final status and its callback requests have completed. */
  settled(): Promise<void>;
  /** Stops the server; messages still queued stay in their current status. */
  close(): Promise<void>;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const TWILIO_TEST_SENDER = '+15005550006';

/**
 * Starts a fake of the part of Twilio's REST API that sends SMS, on 127.0.0.1, for
 * tests and sandbox mode. The real `twilio` client reaches it through
 * `createTwilioClient({ accountSid, authToken, apiUrl: fake.url })`.
 *
 * @example
 * const fake = await startFakeTwilio({ accountSid, authToken, segmentsPerSecond: 5 });
 * const client = createTwilioClient({ accountSid, authToken, apiUrl: fake.url });
 * await client.messages.create({ to: '+15555550123', from: '+15555550100', body: 'Hi' });
 * await fake.settled();
 * fake.messages[0]?.status; // 'delivered'
 * await fake.close();
 */
export async function startFakeTwilio({
  accountSid,
  authToken,
  port = 0,
  segmentsPerSecond = 1,
  segmentsPerSecondBySender = {},
  messagingServiceNumbers = {},
  deliveryDelayMs = 0,
  callbackTimeoutMs = 10_000,
  logger = pino({ level: 'silent' }),
}: FakeTwilioOptions): Promise<FakeTwilio> {
  checkOptions({ accountSid, authToken, segmentsPerSecond, segmentsPerSecondBySender });

  const messages: FakeMessage[] = [];
  const faults = new FaultInjection();
  const queue = new SenderQueue({ defaultSegmentsPerSecond: segmentsPerSecond, segmentsPerSecondBySender });
  const dispatcher = new MessageDispatcher({
    authToken,
    queue,
    deliveryDelayMs,
    messagingServiceNumbers,
    defaultServiceNumber: TWILIO_TEST_SENDER,
    callbackTimeoutMs,
    logger,
  });
  const app = createFakeTwilioApp({ accountSid, authToken, messages, faults, dispatcher, logger });

  const server = await listen(app.fetch, port);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  logger.info({ url }, 'fake Twilio API listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    messages,
    statusCallbacks: dispatcher.callbacks,
    failNextRequests: (count, status) => faults.failNext(count, status),
    setResponseDelay: (ms) => {
      faults.responseDelayMs = ms;
    },
    setDelayAfterProcessing: (ms) => {
      faults.delayAfterProcessingMs = ms;
    },
    rejectCreates: (rejection) => faults.rejectCreates(rejection),
    setDeliveryFailure: (to, failure) => dispatcher.setDeliveryFailure(to, failure),
    setSenderRate: (sender, rate) => {
      checkRate(`rate of ${sender}`, rate);
      queue.setRate(sender, rate);
    },
    settled: () => dispatcher.settled(),
    close: () => {
      closing ??= (async () => {
        queue.close();
        dispatcher.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        logger.info({ url }, 'fake Twilio API stopped');
      })();
      return closing;
    },
  };
}

function checkOptions({
  accountSid,
  authToken,
  segmentsPerSecond,
  segmentsPerSecondBySender,
}: Required<Pick<FakeTwilioOptions, 'accountSid' | 'authToken' | 'segmentsPerSecond' | 'segmentsPerSecondBySender'>>): void {
  if (!ACCOUNT_SID.test(accountSid)) {
    throw new ParleyError('FAKE_TWILIO_OPTIONS', `Invalid accountSid ${JSON.stringify(accountSid)}: use AC followed by 32 hexadecimal digits.`);
  }
  if (authToken === '') {
    throw new ParleyError('FAKE_TWILIO_OPTIONS', 'Missing authToken: pass the token that clients authenticate with.');
  }
  checkRate('segmentsPerSecond', segmentsPerSecond);
  for (const [sender, rate] of Object.entries(segmentsPerSecondBySender)) checkRate(`rate of ${sender}`, rate);
}

function checkRate(name: string, rate: number): void {
  if (!(Number.isFinite(rate) && rate > 0)) {
    throw new ParleyError('FAKE_TWILIO_OPTIONS', `Invalid ${name} ${rate}: use a positive number of segments per second.`);
  }
}

type AppFetch = Parameters<typeof serve>[0]['fetch'];

function listen(fetch: AppFetch, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve(server));
    server.once('error', reject);
  });
}
