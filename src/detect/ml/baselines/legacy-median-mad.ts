import { seededRandom } from '../../../core/index.js';
import type { ConfidenceLevel } from '../../../model/index.js';

/**
 * The ML Detect model of one behavior (docs/ml.md): per device a robust baseline of `log1p(value)`
 * (median, MAD; hour-of-day and weekday offsets once 7 days exist), blended with the fleet for
 * devices with little history, and a calibration that turns the robust z-score into a tail
 * probability. Plain JSON data: it is stored as is.
 */
export interface MlModel {
  readonly version: 1;
  readonly metric: string;
  readonly trainedAt: number;
  readonly datapoints: number;
  /** Fleet: median of device centers, spread of the centers, typical within-device scale. */
  readonly fleet: { readonly center: number; readonly between: number; readonly within: number };
  readonly devices: Readonly<Record<string, MlDeviceBaseline>>;
  readonly calibration: MlCalibration;
  /** Score thresholds per confidence level (a datapoint violates when its score reaches it). */
  readonly thresholds: Readonly<Record<ConfidenceLevel, number>>;
}

export interface MlDeviceBaseline {
  readonly n: number;
  /** Blended center and scale (log1p units). */
  readonly center: number;
  readonly scale: number;
  /** Offsets per UTC hour (24) and weekday (7, 0 = Sunday), present once the device has 7 days. */
  readonly hour?: readonly number[];
  readonly weekday?: readonly number[];
}

/** Tail of the training scores: `[score, log10 p]` points, decreasing p; exponential beyond the last. */
export interface MlCalibration {
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** Mean excess over the 99th percentile score (exponential tail scale), floored. */
  readonly beta: number;
}

/** Tail probabilities of the three confidence levels: HIGH raises the fewest alarms. */
export const LEVEL_TAIL_PROBABILITY: Readonly<Record<ConfidenceLevel, number>> = { LOW: 1e-5, MEDIUM: 1e-7, HIGH: 1e-9 };

/** Smallest robust scale (log1p units): a constant series still has a finite score for a change. */
export const SCALE_FLOOR = 0.04;
/** Share of its threshold a score must stay above to keep a raised alarm violating. */
export const HYSTERESIS = 0.7;
/** Score distance above the largest training score at which the tail reaches 1/n. */
export const TAIL_STEP = 0.25;
/** Bounds of the exponential tail scale (score units): sparse counts must not push thresholds out of reach. */
export const BETA_FLOOR = 0.5;
export const BETA_CAP = 3;
/** No level alarms below this robust z-score, however quiet the metric was in training. */
export const MIN_THRESHOLD = 1.5;
/** Datapoints worth of fleet prior in a device's scale (one day at 300 s). */
export const PRIOR_DATAPOINTS = 288;
const MAD_TO_SIGMA = 1.4826;
const WEEK_MS = 7 * 86_400_000;
const MAX_CALIBRATION_POINTS = 400_000;

/** One device's training series (times epoch ms, values raw). */
export interface MlSeries {
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

export interface TrainOptions {
  readonly metric: string;
  readonly now: number;
  /** Seed of the calibration subsample (used only above 400,000 training datapoints). */
  readonly seed?: number;
}

/** Sign-preserving log1p: the scale on which baselines are robust. */
export function transform(value: number): number {
  return value >= 0 ? Math.log1p(value) : -Math.log1p(-value);
}

export const hourOf = (time: number): number => Math.floor(time / 3_600_000) % 24;
/** UTC weekday, 0 = Sunday (1970-01-01 was a Thursday). */
export const weekdayOf = (time: number): number => (Math.floor(time / 86_400_000) + 4) % 7;

export function medianOf(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function madOf(values: Float64Array, center: number): number {
  const dev = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs((values[i] as number) - center);
  return medianOf(dev);
}

interface RawBaseline {
  readonly n: number;
  readonly center: number;
  readonly scale: number;
  readonly hour: number[] | undefined;
  readonly weekday: number[] | undefined;
}

/** Median, MAD and (with 7 days) seasonal offsets of one device's transformed series. */
export function deviceBaseline(series: MlSeries): RawBaseline {
  const n = series.values.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = transform(series.values[i] as number);
  const center = medianOf(x);
  const span = n === 0 ? 0 : (series.times[n - 1] as number) - (series.times[0] as number);
  let hour: number[] | undefined;
  let weekday: number[] | undefined;
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = (x[i] as number) - center;
  if (span >= WEEK_MS - 86_400_000 / 2) {
    hour = offsets(residual, series.times, 24, hourOf);
    for (let i = 0; i < n; i++) residual[i] = (residual[i] as number) - (hour[hourOf(series.times[i] as number)] as number);
    weekday = offsets(residual, series.times, 7, weekdayOf);
    for (let i = 0; i < n; i++) residual[i] = (residual[i] as number) - (weekday[weekdayOf(series.times[i] as number)] as number);
  }
  const scale = MAD_TO_SIGMA * madOf(residual, 0);
  return { n, center, scale, hour, weekday };
}

function offsets(residual: Float64Array, times: ArrayLike<number>, buckets: number, bucketOf: (t: number) => number): number[] {
  const groups: number[][] = Array.from({ length: buckets }, () => []);
  for (let i = 0; i < residual.length; i++) (groups[bucketOf(times[i] as number)] as number[]).push(residual[i] as number);
  return groups.map((g) => (g.length < 3 ? 0 : round(medianOf(Float64Array.from(g)))));
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Builds the model of one behavior from every device's series. Deterministic. */
export function trainModel(series: ReadonlyMap<string, MlSeries>, options: TrainOptions): MlModel {
  const names = [...series.keys()].sort();
  const raw = new Map<string, RawBaseline>();
  let datapoints = 0;
  for (const name of names) {
    const s = series.get(name) as MlSeries;
    if (s.values.length === 0) continue;
    raw.set(name, deviceBaseline(s));
    datapoints += s.values.length;
  }
  const centers = Float64Array.from([...raw.values()].map((b) => b.center));
  const fleetCenter = medianOf(centers);
  const between = Math.max(SCALE_FLOOR, MAD_TO_SIGMA * madOf(centers, fleetCenter));
  const within = Math.max(SCALE_FLOOR, medianOf(Float64Array.from([...raw.values()].map((b) => b.scale))));
  const fleet = { center: round(fleetCenter), between: round(between), within: round(within) };
  const devices: Record<string, MlDeviceBaseline> = {};
  for (const [name, b] of raw) devices[name] = blend(b, fleet);

  const scores = calibrationScores(names, series, devices, fleet, datapoints, options.seed ?? 1);
  const calibration = calibrate(scores);
  const at = (level: ConfidenceLevel): number => Math.max(MIN_THRESHOLD, scoreAt(calibration, LEVEL_TAIL_PROBABILITY[level]));
  const thresholds = { LOW: at('LOW'), MEDIUM: at('MEDIUM'), HIGH: at('HIGH') };
  return { version: 1, metric: options.metric, trainedAt: options.now, datapoints, fleet, devices, calibration, thresholds };
}

/** A device's own baseline pulled toward the fleet in proportion to how little history it has. */
export function blend(b: RawBaseline, fleet: MlModel['fleet']): MlDeviceBaseline {
  const center = (b.n * b.center + fleet.center) / (b.n + 1);
  const own = Math.max(SCALE_FLOOR, b.scale);
  const scale = Math.sqrt((b.n * own * own + PRIOR_DATAPOINTS * fleet.within * fleet.within) / (b.n + PRIOR_DATAPOINTS));
  return { n: b.n, center: round(center), scale: round(Math.max(SCALE_FLOOR, scale)), ...(b.hour === undefined ? {} : { hour: b.hour }), ...(b.weekday === undefined ? {} : { weekday: b.weekday }) };
}

/** Robust z-score of a value (upward: only values above normal score > 0). */
export function rawScore(model: MlModel, thingName: string, value: number, time: number): number {
  const d = model.devices[thingName];
  const x = transform(value);
  if (d === undefined) {
    const f = model.fleet;
    const z = (x - f.center) / Math.sqrt(f.between * f.between + f.within * f.within);
    return z > 0 ? z : 0;
  }
  let center = d.center;
  if (d.hour !== undefined) center += d.hour[hourOf(time)] as number;
  if (d.weekday !== undefined) center += d.weekday[weekdayOf(time)] as number;
  const z = (x - center) / d.scale;
  return z > 0 ? z : 0;
}

function calibrationScores(names: readonly string[], series: ReadonlyMap<string, MlSeries>, devices: Record<string, MlDeviceBaseline>, fleet: MlModel['fleet'], total: number, seed: number): Float64Array {
  const keep = total <= MAX_CALIBRATION_POINTS ? 1 : MAX_CALIBRATION_POINTS / total;
  const random = seededRandom(seed);
  const out: number[] = [];
  const probe: MlModel = { version: 1, metric: '', trainedAt: 0, datapoints: 0, fleet, devices, calibration: { points: [], beta: BETA_FLOOR }, thresholds: { LOW: 0, MEDIUM: 0, HIGH: 0 } };
  for (const name of names) {
    const s = series.get(name) as MlSeries;
    for (let i = 0; i < s.values.length; i++) {
      if (keep < 1 && random() >= keep) continue;
      out.push(rawScore(probe, name, s.values[i] as number, s.times[i] as number));
    }
  }
  return Float64Array.from(out).sort();
}

/** Log-spaced tail quantiles of the training scores (4 per decade) and the exponential tail scale. */
export function calibrate(sorted: Float64Array): MlCalibration {
  const n = sorted.length;
  if (n === 0) return { points: [[0, 0]], beta: BETA_FLOOR };
  const points: Array<[number, number]> = [];
  for (let k = 0; ; k++) {
    const logP = k === 0 ? 0 : -k / 4;
    const p = 10 ** logP;
    if (p * n < 1) break;
    const index = Math.min(n - 1, Math.max(0, Math.ceil((1 - p) * n) - 1));
    const score = k === 0 ? 0 : round(sorted[index] as number);
    // Ties: P(S >= s) is the largest p whose quantile is s, so the first point of a tie is kept.
    const last = points[points.length - 1];
    if (last !== undefined && score <= last[0]) continue;
    points.push([score, round(logP)]);
  }
  const q99 = sorted[Math.min(n - 1, Math.ceil(0.99 * n) - 1)] as number;
  let excess = 0;
  let count = 0;
  for (let i = n - 1; i >= 0 && (sorted[i] as number) > q99; i--) {
    excess += (sorted[i] as number) - q99;
    count += 1;
  }
  const max = sorted[n - 1] as number;
  const last = points[points.length - 1] as [number, number];
  // Nothing was seen above the max: P(S > max) is at most 1/n, reached TAIL_STEP above it.
  points.push([round(Math.max(max, last[0]) + TAIL_STEP), round(-Math.log10(n))]);
  return { points, beta: round(Math.min(BETA_CAP, Math.max(BETA_FLOOR, count === 0 ? 0 : excess / count))) };
}

/** The calibrated tail probability of a score: P(training score >= score), exponential beyond the data. */
export function tailProbability(calibration: MlCalibration, score: number): number {
  const points = calibration.points;
  const first = points[0] as readonly [number, number];
  if (score <= first[0]) return 1;
  for (let i = 1; i < points.length; i++) {
    const [s1, l1] = points[i] as readonly [number, number];
    if (score <= s1) {
      const [s0, l0] = points[i - 1] as readonly [number, number];
      return 10 ** (l0 + ((l1 - l0) * (score - s0)) / (s1 - s0));
    }
  }
  const [sLast, lLast] = points[points.length - 1] as readonly [number, number];
  return 10 ** lLast * Math.exp(-(score - sLast) / calibration.beta);
}

/** The score whose tail probability is `p` (inverse of `tailProbability`). */
export function scoreAt(calibration: MlCalibration, p: number): number {
  const target = Math.log10(p);
  const points = calibration.points;
  for (let i = 1; i < points.length; i++) {
    const [s1, l1] = points[i] as readonly [number, number];
    if (target >= l1) {
      const [s0, l0] = points[i - 1] as readonly [number, number];
      return round(s0 + ((s1 - s0) * (target - l0)) / (l1 - l0));
    }
  }
  const [sLast, lLast] = points[points.length - 1] as readonly [number, number];
  return round(sLast + calibration.beta * Math.log(10 ** lLast / p));
}

/** Scores one datapoint: raw z-score, tail probability and whether it violates at `level`. */
export function scoreDatapoint(model: MlModel, thingName: string, value: number, time: number, level: ConfidenceLevel, raised = false): { score: number; p: number; violating: boolean } {
  const score = rawScore(model, thingName, value, time);
  return { score, p: tailProbability(model.calibration, score), violating: violatesAt(model, score, level, raised) };
}

/**
 * True when a score violates at `level`. While the alarm is raised the bar is HYSTERESIS × the
 * threshold, so a score hovering at it does not flap.
 */
export function violatesAt(model: MlModel, score: number, level: ConfidenceLevel, raised = false): boolean {
  return score >= model.thresholds[level] * (raised ? HYSTERESIS : 1);
}

/** True when the datapoint is anomalous at `level` (the hot path: no tail probability). */
export function isAnomalous(model: MlModel, thingName: string, value: number, time: number, level: ConfidenceLevel, raised = false): boolean {
  return violatesAt(model, rawScore(model, thingName, value, time), level, raised);
}
