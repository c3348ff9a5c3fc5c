import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../src/cli/twilio-phone.ts';
import { loadConfig } from '../src/config/config.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { signTwilioRequest } from '../src/twilio/webhook-signature.ts';
import { AUTH_TOKEN, WEBHOOK_URL, copyExampleSurveys, encodeForm, inboundFields, serverEnv } from './support/harness.ts';

const REQUEST_TIMEOUT_MS = 1_000;
/** The server checks deadlines every 250 ms at this timeout, so 3 s leaves room for a slow machine. */
const CLOSED_WITHIN_MS = 3_000;

let dir: string;
let server: RunningServer;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-timeouts-'));
  fs.mkdirSync(path.join(dir, 'surveys'));
  copyExampleSurveys(path.join(dir, 'surveys'));
  const config = loadConfig(serverEnv(dir, { PORT: '0', HOST: '127.0.0.1', REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) }));
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  server = await startServer(config, { logger });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface StalledResult {
  /** Milliseconds from connecting until the server closed the connection. */
  elapsedMs: number;
  received: string;
}

/**
 * Connects, writes `bytes` and sends nothing more until the server closes the connection.
 * Rejects if the connection is still open after `CLOSED_WITHIN_MS`.
 */
function stall(port: number, bytes: string): Promise<StalledResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let received = '';
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      if (bytes !== '') socket.write(bytes);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timed out: the server kept a stalled connection open for ${CLOSED_WITHIN_MS} ms after receiving ${JSON.stringify(bytes)}, and sent ${JSON.stringify(received)}`));
    }, CLOSED_WITHIN_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    // The server may reset the connection after its 408 while unread bytes remain.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ elapsedMs: performance.now() - started, received });
    });
  });
}

/** Builds a webhook POST's request line and headers, up to and including the blank line. */
function requestHead(contentLength: number, extraHeaders: string[] = []): string {
  return [
    'POST /twilio/messages HTTP/1.1',
    `Host: 127.0.0.1:${server.port}`,
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${contentLength}`,
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
}

describe('HTTP request timeouts', () => {
  it('logs the timeout when listening', () => {
    const listening = logs.find((entry) => entry.msg === 'Parley is listening');
    expect(listening?.requestTimeoutMs).toBe(REQUEST_TIMEOUT_MS);
  });

  it.each([
    ['part of the body', () => `${requestHead(100)}Body=hel`],
    ['part of the headers', () => 'POST /twilio/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty'],
    ['nothing', () => ''],
  ])('closes a connection that sends %s with 408', async (_case, bytes) => {
    const { elapsedMs, received } = await stall(server.port, bytes());

    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    // A close well before the deadline would come from something other than the timeout.
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(elapsedMs).toBeLessThan(CLOSED_WITHIN_MS);
  }, 10_000);

  it('logs a body cut short', async () => {
    const chunked = ['POST /twilio/messages HTTP/1.1', `Host: 127.0.0.1:${server.port}`, 'Content-Type: application/x-www-form-urlencoded', 'Transfer-Encoding: chunked', '', '5', 'Body='].join('\r\n');
    await Promise.all([stall(server.port, `${requestHead(100)}Body=hel`), stall(server.port, `${chunked}\r\n`)]);
    // The warning is written once the server notices the closed connection.
    await expect.poll(() => logs.some((entry) => entry.status === 408), { timeout: 2_000 }).toBe(true);

    const warning = logs.find((entry) => entry.status === 408)!;
    expect(warning.level).toBe(40);
    expect(warning.msg).toMatch(/^a webhook body was not received in full/);
    expect(logs.filter((entry) => entry.status === 400 || (entry.level as number) >= 50)).toEqual([]);
  }, 10_000);

  it('serves webhooks after stalled connections', async () => {
    await Promise.all([stall(server.port, `${requestHead(100)}Body=hel`), stall(server.port, '')]);

    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);

    const fields = inboundFields('FEEDBACK');
    const response = await fetch(`http://127.0.0.1:${server.port}/twilio/messages`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, fields),
      },
      body: encodeForm(fields),
    });
    expect(response.status).toBe(200);
    expect(messagesOf(await response.text())).not.toEqual([]);

    // A body that pauses for half the timeout still arrives in time and reaches the app.
    const slowFields = inboundFields('FEEDBACK', { From: '+15555550124' });
    const slowBody = encodeForm(slowFields);
    const head = requestHead(Buffer.byteLength(slowBody), [
      `X-Twilio-Signature: ${signTwilioRequest(AUTH_TOKEN, WEBHOOK_URL, slowFields)}`,
      'Connection: close',
    ]);
    const socket = net.connect({ port: server.port, host: '127.0.0.1' });
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(head + slowBody.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS / 2));
    socket.write(slowBody.slice(10));
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
  }, 10_000);
});
