import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests that start `parley` as a child process run the bundle, so build it first.
    globalSetup: ['test/support/build-bundle.ts'],
  },
});
