import { defaultGapTail, gapBin, GAP_EDGES } from './arrivals.js';
import { madOf, medianOf, transform } from './math.js';
import { tailShares } from './residual-tail.js';
import { detectSeasonality, phaseOf, profileAt, cycleOf, type Seasonality } from './seasonality.js';
import { SCALE_FLOOR, type DetectorPrior } from './stream-detector.js';

/** One device's training series (times epoch ms, oldest first; raw values). */
export interface TrainingSeries {
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** A device's baseline as trained from its retained datapoints (transformed units). */
export interface DeviceBaseline {
  readonly n: number;
  readonly level: number;
  readonly scale: number;
  readonly cadenceMs: number;
  readonly slopePerDay: number;
  readonly seasonality?: Seasonality;
  /** Levels the device switches between and the share of time at each, when it has regimes. */
  readonly regimes?: ReadonlyArray<readonly [number, number]>;
  /** Time of the last datapoint of the window: `level` is the level then. */
  readonly at?: number;
}

/**
 * The model of one ML behavior: each device's baseline and the fleet's, which is the prior of a
 * device the model has not seen yet (its level spread is how far devices sit apart), the law of
 * gaps between reports, and the calibrated tail of standardized residuals. Plain JSON.
 */
export interface FleetModel {
  readonly version: 2;
  readonly metric: string;
  readonly trainedAt: number;
  readonly datapoints: number;
  readonly fleet: DeviceBaseline & { readonly between: number; readonly devices: number; readonly gapTail: readonly number[]; readonly tail: readonly [number, number, number] };
  readonly devices: Readonly<Record<string, DeviceBaseline>>;
}

const DAY = 86_400_000;
const MAD_TO_SIGMA = 1.4826;

/** Trains the model of one behavior from every device's series of the trailing window. Deterministic. */
export function trainFleetModel(series: ReadonlyMap<string, TrainingSeries>, options: { readonly metric: string; readonly now: number; readonly previous?: FleetModel | undefined }): FleetModel {
  const names = [...series.keys()].sort();
  const devices: Record<string, DeviceBaseline> = {};
  const gapCounts = new Float64Array(GAP_EDGES.length);
  const shares: Array<[number, number, number]> = [];
  let datapoints = 0;
  for (const name of names) {
    const s = series.get(name) as TrainingSeries;
    if (s.values.length < 2) continue;
    const fitted = fitDevice(s, options.previous?.devices[name]);
    devices[name] = fitted.baseline;
    datapoints += s.values.length;
    for (let i = 0; i < GAP_EDGES.length; i++) gapCounts[i] = (gapCounts[i] as number) + (fitted.gaps[i] as number);
    if (fitted.z.length >= 500) shares.push(tailShares(fitted.z));
  }
  const baselines = Object.values(devices);
  const levels = baselines.map((b) => b.level);
  const level = medianOf(levels);
  const between = Math.max(SCALE_FLOOR, MAD_TO_SIGMA * madOf(levels, level));
  const fleet = {
    n: 0,
    level: round(level),
    between: round(between),
    scale: round(Math.max(SCALE_FLOOR, medianOf(baselines.map((b) => b.scale)))),
    cadenceMs: Math.round(medianOf(baselines.map((b) => b.cadenceMs))) || 300_000,
    slopePerDay: 0,
    devices: baselines.length,
    gapTail: gapTailOf(gapCounts),
    // The device-wise median of each share: devices with an incident in the window do not make the fleet's tail.
    tail: shares.length === 0 ? tailShares([]) : ([0, 1, 2].map((k) => medianOf(shares.map((s) => s[k] as number))) as [number, number, number]),
    ...fleetSeasonality(baselines),
  };
  return { version: 2, metric: options.metric, trainedAt: options.now, datapoints, fleet, devices };
}

/** The prior of a stream: the device's own baseline when the model has one, else the fleet's. */
export function priorOf(model: FleetModel, thingName: string): DetectorPrior {
  const f = model.fleet;
  const own = model.devices[thingName];
  const b = own ?? f;
  return { n: own?.n ?? 0, level: b.level, levelSpread: own === undefined ? f.between : 0, scale: b.scale, cadenceMs: b.cadenceMs, slopePerDay: b.slopePerDay, seasonality: b.seasonality, regimes: own?.regimes, gapTail: f.gapTail, tail: f.tail, levelAt: own?.at };
}

interface Fitted {
  readonly baseline: DeviceBaseline;
  readonly gaps: Float64Array;
  /** Standardized residuals. */
  readonly z: Float64Array;
}

/**
 * Cadence, trend, seasonality, regimes, level and scale of one device: robust (medians), on log1p
 * values. The previous model's baseline of the device keeps its period unless the data say otherwise.
 */
export function fitDevice(s: TrainingSeries, previous?: DeviceBaseline): Fitted {
  const n = s.values.length;
  const times = s.times;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = transform(s.values[i] as number);
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = (times[i] as number) - (times[i - 1] as number);
  const cadenceMs = Math.max(1000, medianOf(steps));
  const gaps = new Float64Array(GAP_EDGES.length);
  for (let i = 0; i < steps.length; i++) {
    const b = gapBin(Math.max(1, Math.round((steps[i] as number) / cadenceMs)));
    gaps[b] = (gaps[b] as number) + 1;
  }
  const tEnd = times[n - 1] as number;
  let slopePerDay = trendOf(times, x);
  const detrended = new Float64Array(n);
  for (let i = 0; i < n; i++) detrended[i] = (x[i] as number) - (slopePerDay * ((times[i] as number) - tEnd)) / DAY;
  // Regimes hide a seasonal pattern and a seasonal pattern blurs regimes. The seasonality is looked
  // for on the series as it is, and on the series with the levels of loosely found regimes taken
  // out; the stronger wins. Then regimes are judged strictly on what the seasonality leaves.
  const previousPeriod = previous?.seasonality?.periodMs;
  let seasonality = detectSeasonality(times, detrended, cadenceMs, previousPeriod);
  const rough = regimesOf(detrended, 3);
  if (rough !== undefined) {
    const forSeason = new Float64Array(n);
    const [major, minor] = rough.levels;
    for (let i = 0; i < n; i++) {
      const v = detrended[i] as number;
      forSeason[i] = Math.abs(v - minor) < Math.abs(v - major) ? v - minor + major : v;
    }
    const adjusted = detectSeasonality(times, forSeason, cadenceMs, previousPeriod);
    if (adjusted !== undefined && (seasonality === undefined || adjusted.strength > seasonality.strength)) seasonality = adjusted;
  }
  if (seasonality?.slopePerDay !== undefined) {
    // A trend the longer cycle hid from trendOf: take it out and keep it.
    const extra = seasonality.slopePerDay;
    for (let i = 0; i < n; i++) detrended[i] = (detrended[i] as number) - (extra * ((times[i] as number) - tEnd)) / DAY;
    slopePerDay += extra;
    const { slopePerDay: _, ...rest } = seasonality;
    seasonality = rest;
  }
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let season = 0;
    if (seasonality !== undefined) {
      season = profileAt(seasonality.profile, phaseOf(times[i] as number, seasonality.periodMs, seasonality.profile.length));
      if (seasonality.cycles !== undefined) season += seasonality.cycles[cycleOf(times[i] as number, seasonality.periodMs, seasonality.cycles.length)] as number;
    }
    residual[i] = (detrended[i] as number) - season;
  }
  // Without a seasonal model (too little data for one yet) a daily swing blurs the regimes: 4 scales apart suffice then.
  const regimes = regimesOf(residual) ?? (seasonality === undefined ? regimesOf(residual, 4) : undefined);
  let level: number;
  let scale: number;
  const z = new Float64Array(n);
  if (regimes === undefined) {
    level = medianOf(residual);
    scale = Math.max(SCALE_FLOOR, MAD_TO_SIGMA * madOf(residual, level));
    for (let i = 0; i < n; i++) z[i] = ((residual[i] as number) - level) / scale;
  } else {
    level = regimes.levels[0] as number;
    scale = regimes.scale;
    for (let i = 0; i < n; i++) {
      const r = residual[i] as number;
      const d = Math.abs(r - (regimes.levels[0] as number)) <= Math.abs(r - (regimes.levels[1] as number)) ? r - (regimes.levels[0] as number) : r - (regimes.levels[1] as number);
      z[i] = d / scale;
    }
  }
  const baseline: DeviceBaseline = {
    n,
    level: round(level),
    scale: round(scale),
    cadenceMs: Math.round(cadenceMs),
    slopePerDay: round(slopePerDay),
    at: tEnd,
    ...(seasonality === undefined ? {} : { seasonality }),
    ...(regimes === undefined ? {} : { regimes: regimes.levels.map((l, i) => [round(l), round(regimes.shares[i] as number)] as const) }),
  };
  return { baseline, gaps, z };
}

/**
 * Two normal regimes (a device that switches between two levels, e.g. idle and streaming): the best
 * split of the sorted residuals into two groups (1-D 2-means), kept when the groups sit at least
 * `separation` within-group scales apart and the smaller holds at least 5 % of the datapoints. The larger first.
 */
export function regimesOf(residual: Float64Array, separation = 6): { levels: [number, number]; shares: [number, number]; scale: number } | undefined {
  const n = residual.length;
  if (n < 50) return undefined;
  const stride = Math.ceil(n / 4000);
  const sorted = new Float64Array(Math.ceil(n / stride));
  for (let i = 0, j = 0; i < n; i += stride, j++) sorted[j] = residual[i] as number;
  sorted.sort();
  const m = sorted.length;
  const prefix = new Float64Array(m + 1);
  const prefix2 = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    prefix[i + 1] = (prefix[i] as number) + (sorted[i] as number);
    prefix2[i + 1] = (prefix2[i] as number) + (sorted[i] as number) * (sorted[i] as number);
  }
  const within = (a: number, b: number): number => {
    const k = b - a;
    const sum = (prefix[b] as number) - (prefix[a] as number);
    return (prefix2[b] as number) - (prefix2[a] as number) - (sum * sum) / k;
  };
  const least = Math.ceil(0.05 * m);
  let split = -1;
  let best = Number.POSITIVE_INFINITY;
  for (let k = least; k <= m - least; k++) {
    const cost = within(0, k) + within(k, m);
    if (cost < best) {
      best = cost;
      split = k;
    }
  }
  if (split < 0) return undefined;
  const low = sorted.subarray(0, split);
  const high = sorted.subarray(split);
  const lowLevel = medianOf(low);
  const highLevel = medianOf(high);
  const scale = Math.max(SCALE_FLOOR, MAD_TO_SIGMA * Math.sqrt((madOf(low, lowLevel) ** 2 * low.length + madOf(high, highLevel) ** 2 * high.length) / m));
  if (highLevel - lowLevel < separation * scale) return undefined;
  const lowShare = low.length / m;
  return lowShare > 0.5 ? { levels: [lowLevel, highLevel], shares: [lowShare, 1 - lowShare], scale } : { levels: [highLevel, lowLevel], shares: [1 - lowShare, lowShare], scale };
}

/**
 * A trend, only when it is clear. With two weeks or more: the move between the medians of the first
 * and the last whole week (a weekly pattern cancels out), kept when it exceeds 4 times the noise of
 * those medians measured on day medians. With 4 days to 2 weeks: the medians of four equal spans must
 * move the same way and the total move exceed 4 times their noise. Otherwise 0 (a level shift inside
 * the window is not a trend).
 */
function trendOf(times: ArrayLike<number>, x: Float64Array): number {
  const n = x.length;
  const t0 = times[0] as number;
  const tEnd = times[n - 1] as number;
  const span = tEnd - t0;
  if (span < 4 * DAY) return 0;
  const between = (from: number, to: number): Float64Array => {
    let a = 0;
    while (a < n && (times[a] as number) < from) a++;
    let b = a;
    while (b < n && (times[b] as number) < to) b++;
    return x.subarray(a, b);
  };
  if (span >= 14 * DAY) {
    const first = between(t0, t0 + 7 * DAY);
    const last = between(tEnd - 7 * DAY, tEnd + 1);
    if (first.length < 8 || last.length < 8) return 0;
    const move = medianOf(last) - medianOf(first);
    const days: number[] = [];
    for (let d = t0; d + DAY <= tEnd; d += DAY) {
      const day = between(d, d + DAY);
      if (day.length > 0) days.push(medianOf(day));
    }
    const dayNoise = MAD_TO_SIGMA * madOf(days, medianOf(days));
    const noise = (dayNoise * Math.SQRT2) / Math.sqrt(7);
    if (Math.abs(move) < 4 * noise) return 0;
    return (move / (span - 7 * DAY)) * DAY;
  }
  const medians: number[] = [];
  const spreads: number[] = [];
  for (let q = 0; q < 4; q++) {
    const part = between(t0 + (span * q) / 4, q === 3 ? tEnd + 1 : t0 + (span * (q + 1)) / 4);
    if (part.length < 8) return 0;
    const m = medianOf(part);
    medians.push(m);
    spreads.push((MAD_TO_SIGMA * madOf(part, m)) / Math.sqrt(part.length));
  }
  const d1 = (medians[1] as number) - (medians[0] as number);
  const d2 = (medians[2] as number) - (medians[1] as number);
  const d3 = (medians[3] as number) - (medians[2] as number);
  if (!((d1 > 0 && d2 > 0 && d3 > 0) || (d1 < 0 && d2 < 0 && d3 < 0))) return 0;
  const move = (medians[3] as number) - (medians[0] as number);
  const noise = Math.sqrt(spreads.reduce((a, v) => a + v * v, 0));
  if (Math.abs(move) < 4 * noise) return 0;
  // Between the centres of the first and last quarters: three quarters of the span.
  return (move / ((span * 3) / 4)) * DAY;
}

/** The fleet's seasonal pattern: the most common period among devices (≥ 30 % of them), median profile. */
function fleetSeasonality(baselines: readonly DeviceBaseline[]): { seasonality?: Seasonality } {
  const periods = new Map<number, Seasonality[]>();
  for (const b of baselines) {
    const s = b.seasonality;
    if (s === undefined) continue;
    let key = s.periodMs;
    for (const k of periods.keys()) if (Math.abs(k - key) <= 0.02 * k) key = k;
    periods.set(key, [...(periods.get(key) ?? []), s]);
  }
  let best: Seasonality[] | undefined;
  for (const group of periods.values()) if (best === undefined || group.length > best.length) best = group;
  if (best === undefined || best.length < Math.max(1, 0.3 * baselines.length)) return {};
  const first = best[0] as Seasonality;
  const bins = first.profile.length;
  const profile: number[] = [];
  for (let k = 0; k < bins; k++) profile.push(round(medianOf(best.map((s) => profileAt(s.profile, ((k + 0.5) / bins) * s.profile.length)))));
  const cycleGroups = best.filter((s) => s.cycles !== undefined && s.cycles.length === first.cycles?.length);
  const cycles = first.cycles !== undefined && cycleGroups.length >= best.length / 2 ? first.cycles.map((_, c) => round(medianOf(cycleGroups.map((s) => s.cycles?.[c] ?? 0)))) : undefined;
  return { seasonality: { periodMs: first.periodMs, profile, ...(cycles === undefined ? {} : { cycles }), strength: round(medianOf(best.map((s) => s.strength))) } };
}

/** P(gap ≥ edge) per bin edge from pooled gap counts. */
function gapTailOf(counts: Float64Array): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  const out: number[] = [];
  let beyond = total;
  for (let i = 0; i < counts.length; i++) {
    out.push(total === 0 ? defaultGapTail(GAP_EDGES[i] as number) : Number((beyond / total).toPrecision(4)));
    beyond -= counts[i] as number;
  }
  return out;
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
