// The fake Twilio in a process of its own, for the outbound benchmark: it prints one
// JSON line with its URL, and stops on SIGTERM.
import { startFakeTwilio } from '../src/twilio-fake/index.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN } from './load.ts';

// No sender limit: the benchmark measures Parley's dispatcher, not Twilio's queue.
const fake = await startFakeTwilio({ accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN, segmentsPerSecond: 1_000_000, callbackTimeoutMs: 1000 });
console.log(JSON.stringify({ msg: 'fake Twilio listening', port: Number(new URL(fake.url).port) }));
process.once('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
