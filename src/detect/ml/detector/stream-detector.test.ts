import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../core/index.js';
import { levelScore } from '../detectors.js';
import { priorOf, trainFleetModel } from './fleet-model.js';
import { StreamDetector } from './stream-detector.js';

const T0 = Date.UTC(2026, 0, 5);
const FIVE_MIN = 300_000;
const MEDIUM = levelScore('MEDIUM', FIVE_MIN);
const LOW = levelScore('LOW', FIVE_MIN);

/** Log-normal noise around `level` (independent of the code under test): value i at T0 + i × 5 min. */
function noisy(seed: number, sigma = 0.05, level = 100_000): (i: number) => number {
  const random = seededRandom(seed);
  return () => Math.round(level * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())));
}

/** Feeds `count` datapoints from index `from`; returns their scores. */
function feed(d: StreamDetector, from: number, count: number, value: (i: number) => number): number[] {
  const out: number[] = [];
  for (let i = from; i < from + count; i++) out.push(d.observe(T0 + i * FIVE_MIN, value(i)));
  return out;
}

describe('streaming detector', () => {
  it('gives every datapoint a score in [0, 1] from the first one on', () => {
    const d = new StreamDetector();
    const scores = feed(d, 0, 20, noisy(1));
    expect(scores).toHaveLength(20);
    for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
  });

  it('scores a spike up and a dip down above MEDIUM, ordinary datapoints below LOW', () => {
    const d = new StreamDetector();
    const normal = noisy(2);
    const quiet = feed(d, 0, 576, normal).slice(288);
    expect(quiet.filter((s) => s >= LOW)).toHaveLength(0);
    expect(d.observe(T0 + 576 * FIVE_MIN, 1_000_000)).toBeGreaterThanOrEqual(MEDIUM);
    feed(d, 577, 24, normal);
    expect(d.observe(T0 + 601 * FIVE_MIN, 10_000)).toBeGreaterThanOrEqual(MEDIUM);
  });

  it('scores a drop to zero and a level shift down', () => {
    const d = new StreamDetector();
    feed(d, 0, 576, noisy(3));
    expect(d.observe(T0 + 576 * FIVE_MIN, 0)).toBeGreaterThanOrEqual(MEDIUM);
    const shifted = noisy(4, 0.05, 60_000);
    expect(Math.max(...feed(d, 577, 12, shifted))).toBeGreaterThanOrEqual(MEDIUM);
  });

  it('scores silence: a few missing reports do not alarm, a long silence does', () => {
    const d = new StreamDetector();
    feed(d, 0, 2016, noisy(5));
    const last = T0 + 2015 * FIVE_MIN;
    expect(d.missing(last + 1.5 * FIVE_MIN) ?? 1).toBeLessThan(LOW);
    expect(d.missing(last + 2.5 * FIVE_MIN) ?? 1).toBeLessThan(MEDIUM);
    expect(d.missing(last + 24.5 * FIVE_MIN) ?? 0).toBeGreaterThanOrEqual(MEDIUM);
    // Scored once per newly missing report.
    expect(d.overdue(last + 24.6 * FIVE_MIN)).toBeGreaterThanOrEqual(MEDIUM);
    expect(d.overdue(last + 24.7 * FIVE_MIN)).toBeUndefined();
  });

  it('still alarms on a repeat of last week\'s burst, and after larger incidents: the bar does not rise above what it saw', () => {
    const d = new StreamDetector();
    const normal = noisy(6);
    const burst = (i: number): number => normal(i) * 10;
    feed(d, 0, 288, normal);
    const first = Math.max(...feed(d, 288, 6, burst));
    feed(d, 294, 2016 - 6, normal);
    const again = Math.max(...feed(d, 2304, 6, burst));
    expect(first).toBeGreaterThanOrEqual(MEDIUM);
    expect(again).toBeGreaterThanOrEqual(MEDIUM);
    // Three bursts of ×100 over the next days, then a ×10 one.
    let i = 2310;
    for (let k = 0; k < 3; k++) {
      feed(d, i, 288, normal);
      feed(d, i + 288, 6, (j) => normal(j) * 100);
      i += 294;
    }
    feed(d, i, 288, normal);
    expect(Math.max(...feed(d, i + 288, 6, burst))).toBeGreaterThanOrEqual(MEDIUM);
  });

  it('on stationary noise stays calibrated: no MEDIUM score in 20,000 datapoints, p < 1e-3 about as often as it should', () => {
    const d = new StreamDetector();
    const scores = feed(d, 0, 20_288, noisy(7)).slice(288);
    expect(scores.filter((s) => s >= MEDIUM)).toHaveLength(0);
    // Score 0.25 is p = 1e-3: expected 20 of 20,000; allow for the conservative tails and the small sample.
    expect(scores.filter((s) => s >= 0.25).length).toBeLessThanOrEqual(60);
  });

  it('notices a variance change (noise ×4) and a stuck value', () => {
    const d = new StreamDetector();
    feed(d, 0, 1152, noisy(8));
    expect(Math.max(...feed(d, 1152, 48, noisy(9, 0.2)))).toBeGreaterThanOrEqual(MEDIUM);
    const e = new StreamDetector();
    feed(e, 0, 1152, noisy(10));
    expect(Math.max(...feed(e, 1152, 24, () => 100_017))).toBeGreaterThanOrEqual(MEDIUM);
  });

  it('notices a change in the relation to a peer metric (bytes per packet) when bytes alone look normal', () => {
    const d = new StreamDetector();
    const bytes = noisy(11, 0.3);
    const jitter = noisy(12, 0.02, 1);
    let i = 0;
    for (; i < 1152; i++) {
      const b = bytes(i);
      d.observe(T0 + i * FIVE_MIN, b, [(b / 500) * jitter(i)]);
    }
    const scores: number[] = [];
    for (; i < 1176; i++) {
      const b = bytes(i);
      scores.push(d.observe(T0 + i * FIVE_MIN, b, [(b / 125) * jitter(i)]));
    }
    expect(Math.max(...scores)).toBeGreaterThanOrEqual(MEDIUM);
  });

  it('judges a sparse counter by its count law: a usual 2 does not alarm, a burst of 20 does', () => {
    const d = new StreamDetector();
    const random = seededRandom(13);
    let i = 0;
    for (; i < 4032; i++) d.observe(T0 + i * FIVE_MIN, random() < 0.005 ? (random() < 0.5 ? 1 : 2) : 0);
    expect(d.observe(T0 + i++ * FIVE_MIN, 2)).toBeLessThan(MEDIUM);
    expect(d.observe(T0 + i++ * FIVE_MIN, 20)).toBeGreaterThanOrEqual(MEDIUM);
  });

  it('starts a device the model has not seen from the fleet: its first datapoint is judged against the fleet', () => {
    const series = new Map<string, { times: number[]; values: number[] }>();
    for (let k = 0; k < 8; k++) {
      const value = noisy(20 + k, 0.05, 100_000 * (1 + k / 20));
      const times: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < 576; i++) {
        times.push(T0 + i * FIVE_MIN);
        values.push(value(i));
      }
      series.set(`d-${k}`, { times, values });
    }
    const model = trainFleetModel(series, { metric: 'aws:all-bytes-out', now: T0 + 576 * FIVE_MIN });
    const near = new StreamDetector(priorOf(model, 'newcomer'));
    expect(near.observe(T0 + 577 * FIVE_MIN, 110_000)).toBeLessThan(LOW);
    const far = new StreamDetector(priorOf(model, 'newcomer'));
    expect(far.observe(T0 + 577 * FIVE_MIN, 50_000_000)).toBeGreaterThanOrEqual(MEDIUM);
  });
});
