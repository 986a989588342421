import { buildIfStale } from '../../scripts/build.js';

/**
 * Vitest global setup: tests that spawn `bin/vigil.mjs` run the compiled CLI in `dist/`, so it is
 * rebuilt first whenever the sources changed since the last build (a hash of src/ decides).
 */
export default async function setup(): Promise<void> {
  await buildIfStale();
}
