import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import { benchRespondent } from './seed.ts';

export const BENCH_AUTH_TOKEN = 'b3nchb3nchb3nchb3nchb3nchb3nch00';
export const BENCH_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const BENCH_PUBLIC_URL = 'https://bench.example.org';

export interface LoadOptions {
  port: number;
  connections: number;
  /** Run time in seconds; ignored when `amount` is set. */
  duration: number;
  /** Total requests to send, instead of a duration. */
  amount?: number | undefined;
  /** Requests go to respondents picked at random among the first `respondents`. */
  respondents: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Sends signed inbound SMS webhooks, each from a random seeded respondent with a new
 * MessageSid and the answer "7", which is valid for the survey's NPS and text questions.
 */
export async function runLoad({ port, connections, duration, amount, respondents }: LoadOptions): Promise<LoadResult> {
  const url = `${BENCH_PUBLIC_URL}/twilio/messages`;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    ...(amount === undefined ? { duration } : { amount }),
    timeout: 15, // Twilio's webhook timeout, in seconds.
    requests: [
      {
        method: 'POST',
        path: '/twilio/messages',
        setupRequest: (request) => {
          const sid = `SM${randomBytes(16).toString('hex')}`;
          const fields = {
            ToCountry: 'US',
            SmsMessageSid: sid,
            NumMedia: '0',
            SmsSid: sid,
            SmsStatus: 'received',
            Body: '7',
            To: '+15555550100',
            NumSegments: '1',
            MessageSid: sid,
            AccountSid: BENCH_ACCOUNT_SID,
            From: benchRespondent(Math.floor(Math.random() * respondents)),
            ApiVersion: '2010-04-01',
          };
          return {
            ...request,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': signTwilioRequest(BENCH_AUTH_TOKEN, url, fields),
            },
            body: new URLSearchParams(fields).toString(),
          };
        },
      },
    ],
  });

  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
