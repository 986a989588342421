import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSplFuzz, startFuzzTarget, type FuzzTarget } from '../fuzz/spl-fuzz-run.js';

/**
 * The SPL property: no search answers 5xx. A slice of the nightly run (`npm run test:fuzz:spl --
 * --cases 100000`): mutated real queries and random eval expressions through the real search APIs.
 */
let target: FuzzTarget;

beforeAll(async () => {
  target = await startFuzzTarget();
}, 60_000);
afterAll(async () => {
  await target.stop();
});

describe('SPL search property', () => {
  it('400 mutated queries and random eval expressions: every reply is a 2xx or 4xx, none a 5xx', async () => {
    const seed = Number(process.env['SPL_FUZZ_SEED'] ?? 20261207);
    const report = await runSplFuzz(target, { cases: 400, seed });
    expect(report.failures, `seed ${seed}`).toEqual([]);
    // The generator reaches both answers and rejections.
    expect(report.statuses['200'] ?? 0).toBeGreaterThan(20);
    expect(report.statuses['400'] ?? 0).toBeGreaterThan(20);
  }, 300_000);
});
