import { defineConfig } from 'vitest/config';

/** The fault suite (`npm run test:chaos`): kill -9, outages, a full disk, busy stores, clock jumps. */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each scenario starts its own servers and processes; one at a time keeps them honest on 2 cores.
    fileParallelism: false,
  },
});
