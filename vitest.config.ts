import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    // Integration tests start real servers and processes; a busy 2-core machine needs slack.
    testTimeout: 45_000,
    hookTimeout: 60_000,
    // Integration tests start real servers; two cores are all we have.
    maxWorkers: 2,
  },
});
