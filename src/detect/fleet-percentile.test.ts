import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FleetPercentile, quantileOf } from './fleet-percentile.js';

/** Rank of `value` among `values`: how many are strictly below and how many at or below. */
function rankRange(values: readonly number[], value: number): [number, number] {
  return [values.filter((v) => v < value).length, values.filter((v) => v <= value).length];
}

describe('FleetPercentile', () => {
  it('stays within 1% rank error of the exact percentile while values change, for every AWS statistic', () => {
    fc.assert(
      fc.property(fc.constantFrom('p0', 'p0.1', 'p1', 'p10', 'p50', 'p90', 'p99', 'p99.9', 'p100'), fc.array(fc.tuple(fc.integer({ min: 0, max: 399 }), fc.integer({ min: 0, max: 10_000 })), { minLength: 1, maxLength: 3000 }), (statistic, updates) => {
        const fleet = new FleetPercentile(quantileOf(statistic), 1_000_000);
        const latest = new Map<number, number>();
        let now = 0;
        for (const [thing, value] of updates) {
          now += 1;
          fleet.update(`t${thing}`, value, now);
          latest.set(thing, value);
          const threshold = fleet.threshold(now);
          const values = [...latest.values()];
          const n = values.length;
          const target = Math.min(n - 1, Math.max(0, Math.ceil(quantileOf(statistic) * n) - 1));
          const [below, atOrBelow] = rankRange(values, threshold as number);
          const error = target < below ? below - target : target >= atOrBelow ? target - atOrBelow + 1 : 0;
          expect(error).toBeLessThanOrEqual(Math.max(1, Math.floor(n / 100)));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('is exact after every change for small fleets, and drops values older than the window', () => {
    const fleet = new FleetPercentile(0.5, 300_000);
    fleet.update('a', 10, 0);
    fleet.update('b', 20, 0);
    fleet.update('c', 30, 100_000);
    expect(fleet.threshold(100_000)).toBe(20);
    expect(fleet.exact(100_000)).toBe(20);
    expect(fleet.threshold(350_000)).toBe(30);
    expect(fleet.threshold(500_000)).toBeUndefined();
  });

  it('ranks a thing against the other things (AWS: the percentile of all other devices)', () => {
    const fleet = new FleetPercentile(0.9, 300_000);
    for (const [thing, value] of [['a', 5], ['b', 5], ['c', 5], ['d', 100]] as const) fleet.update(thing, value, 0);
    expect(fleet.threshold(0, 'd')).toBe(5);
    expect(fleet.threshold(0)).toBe(100);
    expect(fleet.threshold(0, 'a')).toBe(100);
    const alone = new FleetPercentile(0.5, 300_000);
    alone.update('only', 7, 0);
    expect(alone.threshold(0, 'only')).toBeUndefined();
  });
});
