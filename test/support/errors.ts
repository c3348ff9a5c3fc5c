import { ParleyError } from '../../src/errors.ts';

/** Returns the ParleyError that `action` throws, and fails the test if it throws nothing or another error. */
export function thrownBy(action: () => unknown): ParleyError {
  try {
    action();
  } catch (error) {
    if (error instanceof ParleyError) return error;
    throw error;
  }
  throw new Error('expected a ParleyError, but nothing was thrown');
}
