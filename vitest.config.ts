import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/fixtures/**', 'test/e2e/**'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI runs on a shared 2-core machine; a test that fails twice in a row fails the run.
    retry: process.env['CI'] === 'true' ? 1 : 0,
    // Every API response is checked against its declared schema (src/api/contract-checks.ts).
    env: { VIGIL_VALIDATE_RESPONSES: '1' },
  },
});
