import { describe, expect, it } from 'vitest';
import { addNabScore, emptyRaw, NAB_PROFILES, normalised, probationOf, scaledSigmoid } from './nab-score.js';

// NAB's scaled sigmoid, written out independently: σ(y) = 2 / (1 + e^(5y)) − 1.
const sigma = (y: number): number => 2 / (1 + Math.exp(5 * y)) - 1;

describe('NAB windowed score', () => {
  it('uses the scaled sigmoid of the NAB paper: 0.9866 at the window start, 0 at its end, -1 far past it', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });

  it('has the three application profiles of NAB (A_TP, A_FP, A_FN)', () => {
    expect(NAB_PROFILES).toEqual({ standard: { tp: 1, fp: 0.11, fn: 1 }, lowFp: { tp: 1, fp: 0.22, fn: 1 }, lowFn: { tp: 1, fp: 0.11, fn: 2 } });
  });

  it('rewards the first detection in a window by its position, counts a missed window as -A_FN', () => {
    const series = { length: 1000, windows: [[100, 199], [500, 599]] as const, probation: 0 };
    const raw = emptyRaw();
    // Window 1 detected 25 records in (and again later: only the first counts); window 2 missed.
    addNabScore(raw, series, [125, 150], NAB_PROFILES.standard);
    const position = -(199 - 125 + 1) / 100;
    expect(raw.raw).toBeCloseTo(sigma(position) / sigma(-1) - 1, 10);
    expect(raw).toMatchObject({ truePositives: 1, missed: 1, falsePositives: 0, null: -2, perfect: 2 });
    // Normalised between the null detector (0) and the perfect one (100).
    expect(normalised(raw)).toBeCloseTo((100 * (sigma(position) / sigma(-1) - 1 + 2)) / 4, 10);
  });

  it('charges a false positive A_FP × σ of its distance past the preceding window, or -A_FP before any window', () => {
    const series = { length: 1000, windows: [[100, 199]] as const, probation: 0 };
    const raw = emptyRaw();
    addNabScore(raw, series, [50, 100, 249], NAB_PROFILES.lowFp);
    const before = -0.22;
    const after = 0.22 * sigma(Math.abs(249 - 199) / (100 - 1));
    expect(raw.falsePositives).toBe(2);
    expect(raw.raw).toBeCloseTo(before + after + 1, 10);
  });

  it('ignores detections in the probationary period: the first 15 % of records, at most 750', () => {
    expect(probationOf(1000)).toBe(150);
    expect(probationOf(100_000)).toBe(750);
    const raw = emptyRaw();
    addNabScore(raw, { length: 1000, windows: [[400, 499]] as const, probation: 150 }, [10, 100, 400], NAB_PROFILES.standard);
    expect(raw).toMatchObject({ falsePositives: 0, truePositives: 1 });
    expect(normalised(raw)).toBeCloseTo(100, 10);
  });

  it('scores a detector that detects nothing 0 and weighs misses double in the low-FN profile', () => {
    const series = { length: 500, windows: [[100, 149]] as const, probation: 0 };
    const none = emptyRaw();
    addNabScore(none, series, [], NAB_PROFILES.lowFn);
    expect(none.raw).toBe(-2);
    expect(normalised(none)).toBe(0);
  });
});
