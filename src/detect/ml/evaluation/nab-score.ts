/**
 * The windowed score of the Numenta Anomaly Benchmark (Lavin & Ahmad, "Evaluating Real-time Anomaly
 * Detection Algorithms – the Numenta Anomaly Benchmark", ICMLA 2015), as documented in docs/ml.md:
 * each labelled window earns A_TP·σ(y)/σ(−1) for its first detection at relative position y (−1 at
 * the window's start, 0 at its end) or −A_FN when missed; each detection outside every window costs
 * A_FP·σ(y) with y its distance past the preceding window in window lengths (−A_FP when no window
 * precedes it); σ(y) = 2/(1 + e^(5y)) − 1. Normalised: 100·(raw − null)/(perfect − null), where the
 * null detector detects nothing and the perfect one detects every window at its first datapoint.
 */

export interface NabProfile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** The three application profiles of NAB: standard, reward low false positives, reward low false negatives. */
export const NAB_PROFILES: Readonly<Record<'standard' | 'lowFp' | 'lowFn', NabProfile>> = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  lowFp: { tp: 1, fp: 0.22, fn: 1 },
  lowFn: { tp: 1, fp: 0.11, fn: 2 },
};

export type NabProfileName = keyof typeof NAB_PROFILES;
export const NAB_PROFILE_NAMES: readonly NabProfileName[] = ['standard', 'lowFp', 'lowFn'];

/** NAB's scaled sigmoid of a relative position. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/** One series to score: its length, labelled windows (inclusive index ranges, sorted) and probation. */
export interface ScoredSeries {
  readonly length: number;
  readonly windows: ReadonlyArray<readonly [number, number]>;
  /** Detections before this index are not scored (NAB: the first 15 %, at most 750 records). */
  readonly probation: number;
}

/** Raw parts of a series' score under a profile. */
export interface NabRaw {
  raw: number;
  null: number;
  perfect: number;
  truePositives: number;
  falsePositives: number;
  missed: number;
}

export const emptyRaw = (): NabRaw => ({ raw: 0, null: 0, perfect: 0, truePositives: 0, falsePositives: 0, missed: 0 });

/** NAB's probationary period of a series of `length` records. */
export function probationOf(length: number): number {
  return Math.min(Math.floor(0.15 * length), 750);
}

/** Adds one series' score (detections: sorted record indexes) to `into`. */
export function addNabScore(into: NabRaw, series: ScoredSeries, detections: ArrayLike<number>, profile: NabProfile): void {
  const windows = series.windows;
  const first = new Array<number>(windows.length).fill(-1);
  let w = 0;
  for (let k = 0; k < detections.length; k++) {
    const d = detections[k] as number;
    if (d < series.probation) continue;
    while (w < windows.length && (windows[w] as readonly [number, number])[1] < d) w++;
    const inside = w < windows.length && (windows[w] as readonly [number, number])[0] <= d;
    if (inside) {
      if (first[w] === -1) first[w] = d;
      continue;
    }
    into.falsePositives++;
    if (w === 0) into.raw -= profile.fp;
    else {
      const [start, end] = windows[w - 1] as readonly [number, number];
      const width = end - start + 1;
      into.raw += profile.fp * (width <= 1 ? -1 : scaledSigmoid(Math.abs(d - end) / (width - 1)));
    }
  }
  for (let i = 0; i < windows.length; i++) {
    const [start, end] = windows[i] as readonly [number, number];
    into.null -= profile.fn;
    into.perfect += profile.tp;
    const d = first[i] as number;
    if (d < 0) {
      into.raw -= profile.fn;
      into.missed++;
      continue;
    }
    const width = end - start + 1;
    into.raw += (scaledSigmoid(-(end - d + 1) / width) * profile.tp) / MAX_TP;
    into.truePositives++;
  }
}

/** The normalised score (null detector 0, perfect 100); 0 when there is no window. */
export function normalised(raw: NabRaw): number {
  const span = raw.perfect - raw.null;
  return span <= 0 ? 0 : (100 * (raw.raw - raw.null)) / span;
}
