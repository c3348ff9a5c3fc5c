import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger, maskPhone, WarningThrottle } from '../src/log.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('maskPhone', () => {
  it.each([
    ['+15555550123', '+155•••0123'],
    ['+447700900123', '+447•••0123'],
    ['ACME', '••••'],
  ])('masks %s as %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe('WarningThrottle', () => {
  it('logs the first warning of a key', () => {
    const { lines, logger } = capture();
    new WarningThrottle(logger).warn('403', { status: 403 }, 'rejected');
    expect(lines).toMatchObject([{ level: 40, status: 403, msg: 'rejected' }]);
  });

  it('counts repeats within the interval', () => {
    vi.useFakeTimers();
    try {
      const { lines, logger } = capture();
      const throttle = new WarningThrottle(logger, { intervalMs: 1000 });
      for (let count = 0; count < 5; count++) throttle.warn('403', {}, 'rejected');
      expect(lines).toHaveLength(1);

      vi.advanceTimersByTime(1001);
      throttle.warn('403', {}, 'rejected');
      expect(lines).toHaveLength(2);
      expect(lines[1]!.repeatedSinceLastLog).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps keys apart', () => {
    const { lines, logger } = capture();
    const throttle = new WarningThrottle(logger);
    throttle.warn('403', {}, 'a');
    throttle.warn('413', {}, 'b');
    expect(lines.map((line) => line.msg)).toEqual(['a', 'b']);
  });
});

describe('createLogger', () => {
  it('redacts an auth token passed by mistake', () => {
    const { lines, logger } = capture();
    logger.info({ authToken: 'f0e1d2c3b4a5968778695a4b3c2d1e0f' }, 'config');
    expect(lines[0]!.authToken).toBe('[secret]');
  });
});
