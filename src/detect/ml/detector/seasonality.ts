import { fft, medianOf } from './math.js';

/**
 * A detected seasonal pattern: a profile of `profile.length` bins over `periodMs` (phase from the
 * epoch, so devices of one fleet line up), and optionally offsets per cycle of a longer period made
 * of `cycles.length` primary periods (a weekly pattern on top of a daily one).
 */
export interface Seasonality {
  readonly periodMs: number;
  readonly profile: readonly number[];
  readonly cycles?: readonly number[];
  /** A trend found along with the cycles (level change per day), when the caller had none. */
  readonly slopePerDay?: number;
  /** Share of the variance of the (detrended) series the pattern explains (0..1). */
  readonly strength: number;
}

/** Largest grid used to look for a period (FFT size is the next power of two, twice this). */
const GRID = 2048;
/** Smallest autocorrelation of a period worth modelling. */
const MIN_ACF = 0.3;
/** Least share of variance the profile must explain. */
const MIN_STRENGTH = 0.08;
/** A period must repeat this many times in the data. */
const MIN_CYCLES = 3;
const MAX_BINS = 48;
const MIN_BINS = 4;
const FIT_POINTS = 3000;

/** The phase bin position (fractional, 0..bins) of a time within a period. */
export function phaseOf(time: number, periodMs: number, bins: number): number {
  // Floor instead of %: a float modulo is a slow call in V8, and this is on the hot path.
  const q = time / periodMs;
  return (q - Math.floor(q)) * bins;
}

/** The profile value at a fractional bin position, linear between bin centres (circular). */
export function profileAt(profile: ArrayLike<number>, position: number): number {
  const k = profile.length;
  const p = position - 0.5;
  const i0 = Math.floor(p);
  const f = p - i0;
  const a = ((i0 % k) + k) % k;
  const b = a + 1 === k ? 0 : a + 1;
  return (profile[a] as number) * (1 - f) + (profile[b] as number) * f;
}

/** Which cycle of the longer period a time falls in. */
export function cycleOf(time: number, periodMs: number, cycles: number): number {
  const c = Math.floor(time / periodMs);
  return c - Math.floor(c / cycles) * cycles;
}

/** A series averaged onto a regular grid of `bin` ms ending at the last datapoint, detrended; gaps carry the last value. */
interface Grid {
  readonly values: Float64Array;
  readonly start: number;
  readonly bin: number;
}

export function gridOf(times: ArrayLike<number>, x: ArrayLike<number>, bin: number, span: number): Grid | undefined {
  const n = x.length;
  const tEnd = times[n - 1] as number;
  const slots = Math.min(GRID, Math.floor(span / bin) + 1);
  if (slots < 4 * MIN_BINS) return undefined;
  const sum = new Float64Array(slots);
  const count = new Uint32Array(slots);
  for (let i = n - 1; i >= 0; i--) {
    const s = slots - 1 - Math.floor((tEnd - (times[i] as number)) / bin);
    if (s < 0) break;
    sum[s] = (sum[s] as number) + (x[i] as number);
    count[s] = (count[s] as number) + 1;
  }
  const grid = new Float64Array(slots);
  let filled = 0;
  let last = Number.NaN;
  for (let s = 0; s < slots; s++) {
    if ((count[s] as number) > 0) {
      grid[s] = (sum[s] as number) / (count[s] as number);
      last = grid[s] as number;
      filled++;
    } else grid[s] = last;
  }
  if (filled < slots / 2) return undefined;
  let first = 0;
  while (first < slots && Number.isNaN(grid[first])) first++;
  for (let s = 0; s < first; s++) grid[s] = grid[first] as number;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let s = 0; s < slots; s++) {
    const y = grid[s] as number;
    sx += s;
    sy += y;
    sxx += s * s;
    sxy += s * y;
  }
  const slope = (slots * sxy - sx * sy) / Math.max(1e-12, slots * sxx - sx * sx);
  const intercept = (sy - slope * sx) / slots;
  for (let s = 0; s < slots; s++) grid[s] = (grid[s] as number) - intercept - slope * s;
  return { values: grid, start: tEnd - (slots - 1) * bin, bin };
}

/** Share of the grid's variance explained by per-phase means of a period (`bins` phases). */
export function gridStrength(grid: Grid, periodMs: number, bins: number): number {
  const sum = new Float64Array(bins);
  const count = new Float64Array(bins);
  const v = grid.values;
  let total = 0;
  for (let s = 0; s < v.length; s++) {
    const k = Math.min(bins - 1, Math.floor(phaseOf(grid.start + s * grid.bin, periodMs, bins)));
    const y = v[s] as number;
    sum[k] = (sum[k] as number) + y;
    count[k] = (count[k] as number) + 1;
    total += y * y;
  }
  if (total <= 0) return 0;
  let explained = 0;
  let used = 0;
  for (let k = 0; k < bins; k++) {
    const c = count[k] as number;
    if (c === 0) continue;
    explained += ((sum[k] as number) * (sum[k] as number)) / c;
    used++;
  }
  // Adjusted for the number of phase means fitted (like an adjusted R²).
  const r2 = explained / total;
  return 1 - ((1 - r2) * (v.length - 1)) / Math.max(1, v.length - used);
}

/**
 * Finds the dominant period of a series (times epoch ms, oldest first; values already transformed):
 * the series is averaged onto a regular grid (the whole span, and the recent native cadence for
 * short periods), detrended, and its autocorrelation (via FFT) searched for the highest peak that
 * repeats at least 3 times — the shortest lag within 10 % of the best, as a period's multiples
 * correlate too. The peak is refined to the period whose phase means explain most of the grid's
 * variance, a round period (whole days, hours, minutes) winning when it explains at least 90 % as much (clocks drive devices).
 * The profile (median per phase bin) must then agree between the two halves of the data, so that
 * noise or random regime switches are not taken for a cycle. Undefined when nothing periodic stands out.
 */
export function detectSeasonality(times: ArrayLike<number>, x: ArrayLike<number>, cadenceMs: number, previousPeriodMs?: number): Seasonality | undefined {
  const found = findSeasonality(times, x, cadenceMs);
  if (previousPeriodMs === undefined || (found !== undefined && Math.abs(found.periodMs - previousPeriodMs) < 1)) return found;
  // Continuity: the previous model's period stays unless it no longer fits or a new one fits clearly better.
  const n = x.length;
  const stride = Math.ceil(n / FIT_POINTS);
  const fitTimes = stride === 1 ? times : strided(times, stride);
  const fitX = stride === 1 ? x : strided(x, stride);
  const kept = fitProfile(fitTimes, fitX, previousPeriodMs, cadenceMs);
  if (kept === undefined) return found;
  if (found !== undefined && found.strength > 1.1 * kept.strength) return found;
  return kept;
}

function findSeasonality(times: ArrayLike<number>, x: ArrayLike<number>, cadenceMs: number): Seasonality | undefined {
  const n = x.length;
  if (n < 4 * MIN_BINS) return undefined;
  const span = (times[n - 1] as number) - (times[0] as number);
  if (span <= 0) return undefined;
  let bestPeriod = 0;
  let bestStrength = MIN_STRENGTH;
  const coarse = Math.max(cadenceMs, span / GRID);
  for (const bin of coarse > cadenceMs * 1.5 ? [coarse, cadenceMs] : [coarse]) {
    const grid = gridOf(times, x, bin, span);
    if (grid === undefined) continue;
    const lag = bestLag(grid.values);
    if (lag === undefined) continue;
    const p0 = lag * bin;
    const binsOf = (p: number): number => Math.max(MIN_BINS, Math.min(MAX_BINS, Math.round(p / Math.max(cadenceMs, bin))));
    let local = 0;
    let localStrength = -1;
    // ±4 % around the peak in 0.1 % steps (an ACF peak on a coarse grid is a few percent off).
    for (let k = -40; k <= 40; k++) {
      const p = p0 * (1 + k * 0.001);
      const st = gridStrength(grid, p, binsOf(p));
      if (st > localStrength) {
        localStrength = st;
        local = p;
      }
    }
    const round = roundPeriod(local, cadenceMs);
    if (round !== local) {
      const st = gridStrength(grid, round, binsOf(round));
      if (st >= 0.9 * localStrength) {
        local = round;
        localStrength = st;
      }
    }
    if (localStrength > bestStrength) {
      bestStrength = localStrength;
      bestPeriod = local;
    }
  }
  if (bestPeriod === 0) return undefined;
  // The profile is fitted on at most FIT_POINTS datapoints (an even stride): medians per bin need no more.
  const stride = Math.ceil(n / FIT_POINTS);
  const fitTimes = stride === 1 ? times : strided(times, stride);
  const fitX = stride === 1 ? x : strided(x, stride);
  const fitted = fitProfile(fitTimes, fitX, bestPeriod, cadenceMs);
  if (fitted === undefined || !halvesAgree(fitTimes, fitX, bestPeriod, fitted.profile.length)) return undefined;
  return fitted;
}

/** The nearest whole day, hour or minute when within 5 % (clock-driven devices), else the period itself. */
function roundPeriod(periodMs: number, cadenceMs: number): number {
  for (const unit of [86_400_000, 3_600_000, 60_000]) {
    if (unit < cadenceMs) continue;
    const rounded = Math.round(periodMs / unit) * unit;
    if (rounded > 0 && Math.abs(rounded - periodMs) <= 0.05 * periodMs) return rounded;
  }
  return periodMs;
}

/** True when the profiles of the first and second half correlate (≥ 0.6). */
export function halvesAgree(times: ArrayLike<number>, x: ArrayLike<number>, periodMs: number, bins: number): boolean {
  const n = x.length;
  const mid = ((times[0] as number) + (times[n - 1] as number)) / 2;
  const sum = [new Float64Array(bins), new Float64Array(bins)];
  const count = [new Float64Array(bins), new Float64Array(bins)];
  for (let i = 0; i < n; i++) {
    const h = (times[i] as number) < mid ? 0 : 1;
    const k = Math.min(bins - 1, Math.floor(phaseOf(times[i] as number, periodMs, bins)));
    (sum[h] as Float64Array)[k] = ((sum[h] as Float64Array)[k] as number) + (x[i] as number);
    (count[h] as Float64Array)[k] = ((count[h] as Float64Array)[k] as number) + 1;
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < bins; k++) {
    const ca = (count[0] as Float64Array)[k] as number;
    const cb = (count[1] as Float64Array)[k] as number;
    if (ca === 0 || cb === 0) continue;
    a.push(((sum[0] as Float64Array)[k] as number) / ca);
    b.push(((sum[1] as Float64Array)[k] as number) / cb);
  }
  if (a.length < MIN_BINS) return false;
  return correlation(a, b) >= 0.6;
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa <= 0 || sbb <= 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

function strided(values: ArrayLike<number>, stride: number): Float64Array {
  const out = new Float64Array(Math.ceil(values.length / stride));
  for (let i = 0, j = 0; i < values.length; i += stride, j++) out[j] = values[i] as number;
  return out;
}

/** Lag (in grid slots) of the highest autocorrelation peak repeating ≥ 3 times; the shortest within 10 % of it. */
export function bestLag(grid: Float64Array): number | undefined {
  const slots = grid.length;
  let size = 1;
  while (size < 2 * slots) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re.set(grid);
  fft(re, im);
  for (let i = 0; i < size; i++) {
    re[i] = (re[i] as number) * (re[i] as number) + (im[i] as number) * (im[i] as number);
    im[i] = 0;
  }
  fft(re, im);
  const zero = re[0] as number;
  if (zero <= 1e-12) return undefined;
  const maxLag = Math.floor(slots / MIN_CYCLES);
  // Unbiased ACF: each lag's sum over (slots − lag) pairs.
  const acf = (lag: number): number => ((re[lag] as number) / zero) * (slots / (slots - lag));
  let bestValue = MIN_ACF;
  const peaks: Array<[number, number]> = [];
  // A peak counts only after the autocorrelation has dipped well below it: short-lag smoothness is not a cycle.
  let lowest = acf(1);
  for (let lag = 2; lag <= maxLag; lag++) {
    const v = acf(lag);
    if (v < lowest) lowest = v;
    if (v > MIN_ACF && v >= acf(lag - 1) && v >= acf(lag + 1) && v - lowest >= 0.15) {
      peaks.push([lag, v]);
      if (v > bestValue) bestValue = v;
    }
  }
  for (const [lag, v] of peaks) if (v >= 0.9 * bestValue) return lag;
  return undefined;
}

/**
 * Interquartile mean of each group (`group[i]` in 0..groups-1): robust to a quarter of outliers on
 * either side like a median, but smooth on quantized values (small counts), unlike one.
 */
function groupMidmeans(values: ArrayLike<number>, group: Int32Array, groups: number): Float64Array {
  const n = group.length;
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) start[(group[i] as number) + 1] = (start[(group[i] as number) + 1] as number) + 1;
  for (let g = 0; g < groups; g++) start[g + 1] = (start[g + 1] as number) + (start[g] as number);
  const fill = start.slice(0, groups);
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = group[i] as number;
    sorted[fill[g] as number] = values[i] as number;
    fill[g] = (fill[g] as number) + 1;
  }
  const out = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const from = start[g] as number;
    const to = start[g + 1] as number;
    if (to === from) continue;
    const part = sorted.subarray(from, to).sort();
    const k = to - from;
    const lo = Math.floor(k / 4);
    const hi = Math.max(lo + 1, k - Math.floor(k / 4));
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += part[i] as number;
    out[g] = sum / (hi - lo);
  }
  return out;
}

/** The profile (interquartile mean per phase bin) of a period and, when it explains enough, the longer cycle on top of it. */
export function fitProfile(times: ArrayLike<number>, x: ArrayLike<number>, periodMs: number, cadenceMs: number): Seasonality | undefined {
  const n = x.length;
  const span = (times[n - 1] as number) - (times[0] as number);
  if (periodMs <= 0 || span < MIN_CYCLES * periodMs * 0.9) return undefined;
  const bins = Math.max(MIN_BINS, Math.min(MAX_BINS, Math.round(periodMs / cadenceMs)));
  if (periodMs / cadenceMs < MIN_BINS) return undefined;
  const level = medianOf(x);
  const group = new Int32Array(n);
  const centred = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    group[i] = Math.min(bins - 1, Math.floor(phaseOf(times[i] as number, periodMs, bins)));
    centred[i] = (x[i] as number) - level;
  }
  const profile = Array.from(groupMidmeans(centred, group, bins));
  const shift = profile.reduce((a, b) => a + b, 0) / bins;
  for (let k = 0; k < bins; k++) profile[k] = (profile[k] as number) - shift;
  // Share of variance explained, measured on the raw points against the interpolated profile.
  let total = 0;
  let left = 0;
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = (centred[i] as number) - shift;
    const r = d - profileAt(profile, phaseOf(times[i] as number, periodMs, bins));
    residual[i] = r;
    total += d * d;
    left += r * r;
  }
  const strength = total <= 0 ? 0 : 1 - left / total;
  if (strength < MIN_STRENGTH) return undefined;
  const cycles = fitCycles(times, residual, periodMs);
  const slope = cycles === undefined ? 0 : (cycles.slopePerCycle / periodMs) * 86_400_000;
  return { periodMs, profile: profile.map(round), ...(cycles === undefined ? {} : { cycles: cycles.offsets.map(round) }), ...(slope === 0 ? {} : { slopePerDay: round(slope) }), strength: round(strength) };
}

/**
 * Offsets per primary cycle of a longer period of m = 2..8 cycles (a week of days). Each whole
 * primary cycle is one observation (its interquartile mean residual: datapoints within a day are not
 * independent); a trend is taken out first as the median of m-lag differences (the longer pattern
 * cancels in them). Candidates are the m whose groups differ by an F test (F ≥ 10); the lowest BIC among them wins.
 */
function fitCycles(times: ArrayLike<number>, residual: Float64Array, periodMs: number): { offsets: number[]; slopePerCycle: number } | undefined {
  const n = residual.length;
  // Interquartile mean per whole primary cycle: an incident of a few hours does not move it, a whole different day does.
  const first = Math.floor((times[0] as number) / periodMs);
  const cycles = Math.floor((times[n - 1] as number) / periodMs) - first + 1;
  const group = new Int32Array(n);
  const count = new Float64Array(cycles);
  for (let i = 0; i < n; i++) {
    const c = Math.floor((times[i] as number) / periodMs) - first;
    group[i] = c;
    count[c] = (count[c] as number) + 1;
  }
  const midmeans = groupMidmeans(residual, group, cycles);
  const typical = n / cycles;
  const mean = new Float64Array(cycles).fill(Number.NaN);
  for (let c = 0; c < cycles; c++) if ((count[c] as number) >= 0.5 * typical) mean[c] = midmeans[c] as number;
  let best: { offsets: number[]; slopePerCycle: number; f: number } | undefined;
  for (let m = 2; m <= 8; m++) {
    const lagged: number[] = [];
    for (let c = 0; c + m < cycles; c++) if (!Number.isNaN(mean[c]) && !Number.isNaN(mean[c + m])) lagged.push(((mean[c + m] as number) - (mean[c] as number)) / m);
    const slope = lagged.length >= 3 ? medianOf(lagged) : 0;
    const groupSum = new Float64Array(m);
    const groupCount = new Float64Array(m);
    const observed: Array<[number, number]> = [];
    for (let c = 0; c < cycles; c++) {
      if (Number.isNaN(mean[c])) continue;
      const g = first + c - Math.floor((first + c) / m) * m;
      const v = (mean[c] as number) - slope * c;
      observed.push([g, v]);
      groupSum[g] = (groupSum[g] as number) + v;
      groupCount[g] = (groupCount[g] as number) + 1;
    }
    if (observed.length < m + 3 || groupCount.some((c) => c === 0)) continue;
    let grand = 0;
    for (const [, v] of observed) grand += v;
    grand /= observed.length;
    let between = 0;
    for (let g = 0; g < m; g++) {
      const d = (groupSum[g] as number) / (groupCount[g] as number) - grand;
      between += (groupCount[g] as number) * d * d;
    }
    let within = 0;
    for (const [g, v] of observed) {
      const d = v - (groupSum[g] as number) / (groupCount[g] as number);
      within += d * d;
    }
    const f = between / (m - 1) / Math.max(1e-12, within / (observed.length - m));
    // Among the significant ones, the lowest BIC: a week of days, not 8 days that happen to fit 10 days of data.
    const k = observed.length;
    const bic = k * Math.log(Math.max(1e-12, within) / k) + m * Math.log(k);
    if (f >= 10 && (best === undefined || bic < best.f)) {
      const offsets: number[] = [];
      for (let g = 0; g < m; g++) offsets.push((groupSum[g] as number) / (groupCount[g] as number) - grand);
      best = { offsets, slopePerCycle: slope, f: bic };
    }
  }
  return best === undefined ? undefined : { offsets: best.offsets, slopePerCycle: best.slopePerCycle };
}

const round = (v: number): number => Math.round(v * 1e5) / 1e5;
