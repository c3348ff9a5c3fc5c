import { describe, expect, it } from 'vitest';
import { readTestScale } from './support/test-scale.ts';

describe('readTestScale', () => {
  it('reads 1 as full', () => {
    expect(readTestScale({ PARLEY_FULL_TESTS: '1' })).toBe('full');
  });

  it('reads 0 or unset as reduced', () => {
    expect(readTestScale({ PARLEY_FULL_TESTS: '0' })).toBe('reduced');
    expect(readTestScale({})).toBe('reduced');
  });

  it.each(['yes', '', 'true', '2'])('rejects %j', (value) => {
    expect(() => readTestScale({ PARLEY_FULL_TESTS: value })).toThrow(
      `PARLEY_FULL_TESTS=${JSON.stringify(value)} is invalid: set it to 1 for full test sizes, or to 0 or leave it unset for the reduced sizes.`,
    );
  });
});
