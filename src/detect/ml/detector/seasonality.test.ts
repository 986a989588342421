import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../core/index.js';
import { regimesOf } from './fleet-model.js';
import { cauchyCombineLog10, erfc, log10NormalTail } from './math.js';
import { detectSeasonality } from './seasonality.js';

const T0 = Date.UTC(2026, 0, 5);

/** A sine of `periodMs` with Gaussian noise, sampled every `cadenceMs` for `days` (transformed units). */
function periodic(periodMs: number, cadenceMs: number, days: number, noise: number, seed: number): { times: number[]; x: number[] } {
  const random = seededRandom(seed);
  const times: number[] = [];
  const x: number[] = [];
  for (let t = T0; t < T0 + days * 86_400_000; t += cadenceMs) {
    times.push(t);
    x.push(10 + 0.5 * Math.sin((2 * Math.PI * (t - T0)) / periodMs) + noise * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  }
  return { times, x };
}

describe('seasonality and regimes', () => {
  it.each([
    ['90 minutes at 60 s', 90 * 60_000, 60_000, 3],
    ['6 hours at 300 s', 6 * 3_600_000, 300_000, 14],
    ['a day at 300 s', 86_400_000, 300_000, 14],
    ['84 hours at 1 h', 84 * 3_600_000, 3_600_000, 14],
  ])('finds a period of %s', (_name, period, cadence, days) => {
    const { times, x } = periodic(period, cadence, days, 0.1, 1);
    const found = detectSeasonality(times, x, cadence);
    expect(found?.periodMs).toBe(period);
    expect(found?.strength).toBeGreaterThan(0.5);
  });

  it('finds no period in noise', () => {
    const { times, x } = periodic(86_400_000, 300_000, 14, 1, 2);
    for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) - 0.5 * Math.sin((2 * Math.PI * ((times[i] as number) - T0)) / 86_400_000);
    expect(detectSeasonality(times, x, 300_000)).toBeUndefined();
  });

  it('finds a weekly pattern on top of a daily one, as offsets per day', () => {
    const { times, x } = periodic(86_400_000, 300_000, 21, 0.05, 3);
    for (let i = 0; i < x.length; i++) {
      const weekday = (Math.floor((times[i] as number) / 86_400_000) + 4) % 7;
      if (weekday === 0 || weekday === 6) x[i] = (x[i] as number) - 0.6;
    }
    const found = detectSeasonality(times, x, 300_000);
    expect(found?.periodMs).toBe(86_400_000);
    expect(found?.cycles).toHaveLength(7);
    const offsets = found?.cycles ?? [];
    // Cycle index = days since the epoch mod 7; the epoch was a Thursday, so Saturday is 2 and Sunday 3.
    expect((offsets[2] as number) - (offsets[5] as number)).toBeCloseTo(-0.6, 1);
  });

  it('tells two regimes (idle and busy) from one noisy level', () => {
    const random = seededRandom(4);
    const two = Float64Array.from({ length: 2000 }, (_, i) => (i % 10 < 3 ? 12 : 9) + 0.1 * (random() - 0.5));
    const r = regimesOf(two);
    expect(r?.levels.map((l) => Math.round(l))).toEqual([9, 12]);
    expect(r?.shares[1]).toBeCloseTo(0.3, 2);
    const one = Float64Array.from({ length: 2000 }, () => 10 + random());
    expect(regimesOf(one)).toBeUndefined();
  });

  it('computes normal tails and combines p-values the Cauchy way', () => {
    expect(erfc(0)).toBeCloseTo(1, 14);
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 13);
    expect(erfc(3)).toBeCloseTo(2.20904969985854e-5, 17);
    // Q(z) for z = 6 and 10 (standard normal upper tail): 9.8659e-10 and 7.6199e-24.
    expect(10 ** log10NormalTail(6)).toBeCloseTo(9.8659e-10, 13);
    expect(log10NormalTail(10)).toBeCloseTo(Math.log10(7.6199e-24), 3);
    // One tiny p among unremarkable ones dominates: about k × p for k tests.
    expect(cauchyCombineLog10([-9, -0.3, -0.3, -0.3], 4)).toBeCloseTo(Math.log10(4e-9), 1);
    // All unremarkable: no evidence.
    expect(cauchyCombineLog10([-0.3, -0.3], 2)).toBeGreaterThan(-0.5);
  });
});
