import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystQueries } from '../../bench/support/analyst-queries.js';
import { openAnalystStore, type AnalystStore } from '../../bench/support/analyst-store.js';

/**
 * The 100 searches `npm run bench -- analyst` times, run here over a small copy of its corpus: each
 * must compile, run and find something (the corpus is built so every one has results), so the
 * benchmark never times an error.
 */
let store: AnalystStore | undefined;

beforeAll(async () => {
  store = await openAnalystStore(30_000);
}, 120_000);
afterAll(async () => {
  await store?.close();
});

describe('analyst workload searches', () => {
  for (const [i, q] of analystQueries().entries()) {
    it(`#${i + 1} ${q.family}: runs and returns rows`, async () => {
      const result = await store!.search({ query: q.query });
      expect(result.rows.length, q.query).toBeGreaterThan(0);
    });
  }
});
