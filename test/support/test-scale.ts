/** Environment variable that selects the size of the crash and fuzz tests. */
export const FULL_TESTS_VARIABLE = 'PARLEY_FULL_TESTS';

/** Size of a test run: `reduced` keeps `npm test` fast, and `full` runs the heavy versions of the same tests. */
export type TestScale = 'reduced' | 'full';

/**
 * Reads PARLEY_FULL_TESTS: `1` selects full sizes, and `0` or no variable selects the reduced sizes.
 *
 * @throws Error for any other value, including an empty string, so a typo cannot silently run the reduced sizes.
 */
export function readTestScale(env: NodeJS.ProcessEnv = process.env): TestScale {
  const value = env[FULL_TESTS_VARIABLE];
  if (value === undefined || value === '0') return 'reduced';
  if (value === '1') return 'full';
  throw new Error(`${FULL_TESTS_VARIABLE}=${JSON.stringify(value)} is invalid: set it to 1 for full test sizes, or to 0 or leave it unset for the reduced sizes.`);
}

export const TEST_SCALE: TestScale = readTestScale();

/** Returns the value for the scale this test run uses. */
export function byTestScale<T>(values: Record<TestScale, T>): T {
  return values[TEST_SCALE];
}
