import { describe, expect, it } from 'vitest';
import { blend, calibrate, deviceBaseline, hourOf, isAnomalous, rawScore, scoreAt, scoreDatapoint, tailProbability, trainModel, transform, weekdayOf, type MlModel, type MlSeries } from './legacy-median-mad.js';

const model = (over: Partial<MlModel> = {}): MlModel => ({
  version: 1,
  metric: 'aws:all-bytes-out',
  trainedAt: 0,
  datapoints: 0,
  fleet: { center: 0, between: 0.3, within: 0.4 },
  devices: { t: { n: 100, center: 1, scale: 0.5 } },
  calibration: { points: [[0, 0], [98, -2]], beta: 1 },
  thresholds: { LOW: 2, MEDIUM: 3, HIGH: 4 },
  ...over,
});

describe('ML model math', () => {
  it('works on sign-preserving log1p, UTC hours and weekdays', () => {
    expect(transform(Math.E - 1)).toBeCloseTo(1, 12);
    expect(transform(-(Math.E - 1))).toBeCloseTo(-1, 12);
    expect(hourOf(Date.UTC(2026, 0, 5, 13, 59))).toBe(13);
    expect(weekdayOf(Date.UTC(2026, 0, 5))).toBe(1); // a Monday
    expect(weekdayOf(Date.UTC(2026, 0, 4))).toBe(0);
  });

  it('takes a device baseline as median and 1.4826 × MAD of log1p values', () => {
    const b = deviceBaseline({ times: [1, 2, 3, 4, 5], values: [0, 1, 3, 7, 15] });
    expect(b.center).toBeCloseTo(2 * Math.LN2, 12);
    expect(b.scale).toBeCloseTo(1.4826 * Math.LN2, 12);
    expect(b.hour).toBeUndefined();
  });

  it('adds hour-of-day and weekday offsets once a device has 7 days', () => {
    const times: number[] = [];
    const values: number[] = [];
    for (let t = Date.UTC(2026, 0, 5); t < Date.UTC(2026, 0, 12); t += 300_000) {
      times.push(t);
      values.push(hourOf(t) === 12 ? Math.E ** 3 - 1 : Math.E - 1);
    }
    const b = deviceBaseline({ times, values });
    expect(b.center).toBeCloseTo(1, 9);
    expect(b.hour?.[12]).toBeCloseTo(2, 5);
    expect(b.hour?.[3]).toBe(0);
    expect(b.weekday).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('blends a young device with the fleet: center by n/(n+1), scale by a day of prior datapoints', () => {
    const b = blend({ n: 288, center: 2, scale: 0.1, hour: undefined, weekday: undefined }, { center: 1, between: 0.5, within: 0.3 });
    expect(b.center).toBeCloseTo((288 * 2 + 1) / 289, 6);
    expect(b.scale).toBeCloseTo(Math.sqrt((0.01 + 0.09) / 2), 6);
  });

  it('scores the robust z upward only, against the device or (unknown devices) the fleet', () => {
    expect(rawScore(model(), 't', Math.E ** 2 - 1, 0)).toBeCloseTo(2, 9);
    expect(rawScore(model(), 't', 0, 0)).toBe(0);
    expect(rawScore(model(), 'new', Math.E - 1, 0)).toBeCloseTo(2, 9);
    expect(isAnomalous(model(), 't', Math.E ** 2.6 - 1, 0, 'MEDIUM')).toBe(true);
    expect(isAnomalous(model(), 't', Math.E ** 2.6 - 1, 0, 'HIGH')).toBe(false);
  });

  it('keeps the first point of a tie: P(score >= s) of a repeated top score is its share (on the grid), not 1/n', () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => (i < 990 ? 0 : 5));
    const c = calibrate(sorted);
    expect(tailProbability(c, 5)).toBeCloseTo(10 ** -2.25, 9); // the first grid quantile (4 per decade) at the tie
    expect(tailProbability(c, 5.25)).toBeCloseTo(0.001, 9);
  });

  it('keeps a raised alarm violating down to HYSTERESIS × its threshold', () => {
    const v = Math.E ** 2.6 - 1; // z = 3.2 against MEDIUM 3
    expect(isAnomalous(model(), 't', Math.E ** 2.2 - 1, 0, 'MEDIUM')).toBe(false);
    expect(isAnomalous(model(), 't', Math.E ** 2.2 - 1, 0, 'MEDIUM', true)).toBe(true);
    expect(isAnomalous(model(), 't', v, 0, 'MEDIUM')).toBe(true);
  });

  it('calibrates scores into log-spaced tail quantiles with an exponential tail', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i);
    const c = calibrate(sorted);
    expect(c.points[0]).toEqual([0, 0]);
    expect(c.points[1]).toEqual([43, -0.25]);
    expect(c.points.slice(-2)).toEqual([[98, -1.75], [99.25, -2]]); // nothing above the max: 1/n a TAIL_STEP above it
    expect(c.beta).toBe(1);
    expect(tailProbability(c, 0)).toBe(1);
    expect(tailProbability(c, 99)).toBeCloseTo(10 ** -1.95, 12);
    expect(tailProbability(c, 99.25 + Math.LN10)).toBeCloseTo(0.001, 12);
    expect(scoreAt(c, 1e-3)).toBeCloseTo(99.25 + Math.LN10, 5);
    expect(scoreDatapoint(model({ calibration: c }), 't', Math.E ** 2 - 1, 0, 'LOW')).toEqual({ score: expect.closeTo(2, 9), p: expect.closeTo(10 ** (-0.25 * (2 / 43)), 9), violating: true });
  });

  it('trains deterministically: HIGH above MEDIUM above LOW, a x10 jump is anomalous, normal values are not', () => {
    const series = new Map<string, MlSeries>();
    for (let d = 0; d < 5; d++) {
      const times: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < 600; i++) {
        times.push(Date.UTC(2026, 0, 5) + i * 300_000);
        values.push(1000 * (d + 1) * (0.9 + 0.2 * (((i * 37 + d * 11) % 100) / 100)));
      }
      series.set(`t${d}`, { times, values });
    }
    const a = trainModel(series, { metric: 'm', now: 1 });
    expect(JSON.stringify(trainModel(series, { metric: 'm', now: 1 }))).toBe(JSON.stringify(a));
    expect(a.thresholds.HIGH).toBeGreaterThan(a.thresholds.MEDIUM);
    expect(a.thresholds.MEDIUM).toBeGreaterThan(a.thresholds.LOW);
    expect(a.datapoints).toBe(3000);
    const at = Date.UTC(2026, 0, 7);
    expect(isAnomalous(a, 't2', 30_000, at, 'HIGH')).toBe(true);
    expect(isAnomalous(a, 't2', 3_150, at, 'LOW')).toBe(false);
    expect(a.devices['t0']?.center).toBeCloseTo(Math.log1p(1000), 1);
  });
});
