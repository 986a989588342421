import { defineConfig } from 'vitest/config';

/** `npm run test:cluster`: 3 Vigil nodes on a 3-node NATS cluster and one PostgreSQL, all on loopback. */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.ts'],
    // The nodes run the compiled CLI: rebuilt first when the sources changed.
    globalSetup: ['./test/support/build-dist.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 300_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
