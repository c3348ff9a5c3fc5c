import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../src/engine/keyed-queue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs tasks of one key in call order', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const slow = queue.run('a', async () => {
      await tick();
      await tick();
      log.push('first');
    });
    const fast = queue.run('a', async () => {
      log.push('second');
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(['first', 'second']);
  });

  it('runs different keys concurrently', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const slow = queue.run('a', async () => {
      await tick();
      await tick();
      log.push('a');
    });
    const other = queue.run('b', async () => {
      log.push('b');
    });
    await Promise.all([slow, other]);
    expect(log).toEqual(['b', 'a']);
  });

  it('continues after a failed task', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('forgets idle keys', async () => {
    const queue = new KeyedQueue();
    await queue.run('a', async () => undefined);
    await tick();
    expect(queue.size).toBe(0);
  });
});
