import { select } from './ml/detector/math.js';

/** Populations up to this size are ranked exactly, without the evaluated thing, at every datapoint. */
const EXACT_MAX = 200;

/**
 * A fleet percentile kept current as datapoints arrive: the latest value of each thing within the
 * trailing window, and the nearest-rank percentile over them. Like AWS ("the p90 of all other
 * devices"), a thing is ranked against the others: populations up to 200 are ranked exactly
 * without it. Larger ones use a cached percentile, recomputed (an O(n) selection) once 0.5% of the
 * population changed since the last computation, or 0.5% of the window passed; each change moves
 * the true rank of the cached threshold by at most one, and the evaluated thing's own value moves it
 * by at most one more (under 0.5% of more than 200), so the threshold used is always within 1% rank
 * error of the exact percentile of the other things (docs/detect.md).
 */
export class FleetPercentile {
  private readonly slots = new Map<string, number>();
  private values = new Float64Array(64);
  private times = new Float64Array(64);
  private scratch = new Float64Array(64);
  private size = 0;
  private changes = 0;
  private computedAt = Number.NEGATIVE_INFINITY;
  private cached: number | undefined;

  /** `quantile` in [0, 1] (p90 → 0.9); values older than `windowMs` leave the population. */
  constructor(private readonly quantile: number, private readonly windowMs: number) {}

  get population(): number {
    return this.size;
  }

  update(thing: string, value: number, time: number): void {
    let slot = this.slots.get(thing);
    if (slot === undefined) {
      slot = this.size++;
      if (slot >= this.values.length) this.grow();
      this.slots.set(thing, slot);
    }
    this.values[slot] = value;
    this.times[slot] = time;
    this.changes += 1;
  }

  remove(thing: string): void {
    const slot = this.slots.get(thing);
    if (slot === undefined) return;
    this.times[slot] = Number.NEGATIVE_INFINITY;
    this.changes += 1;
  }

  /** The percentile at `now` (of the things other than `exclude`), or undefined when no such thing has a value within the window. */
  threshold(now: number, exclude?: string): number | undefined {
    if (exclude !== undefined && this.size <= EXACT_MAX) return this.exactWithout(now, this.slots.get(exclude));
    const budget = Math.max(1, Math.floor(this.size / 200));
    if (this.changes >= budget || now - this.computedAt >= this.windowMs / 200) this.compute(now);
    return this.cached;
  }

  private exactWithout(now: number, skip: number | undefined): number | undefined {
    const from = now - this.windowMs;
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (i !== skip && (this.times[i] as number) > from) this.scratch[n++] = this.values[i] as number;
    }
    return n === 0 ? undefined : select(this.scratch, rankIndex(this.quantile, n), n);
  }

  /** The exact percentile (tests compare the sketch with it). */
  exact(now: number): number | undefined {
    const live: number[] = [];
    for (let i = 0; i < this.size; i++) if ((this.times[i] as number) > now - this.windowMs) live.push(this.values[i] as number);
    if (live.length === 0) return undefined;
    live.sort((a, b) => a - b);
    return live[rankIndex(this.quantile, live.length)];
  }

  private compute(now: number): void {
    const from = now - this.windowMs;
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if ((this.times[i] as number) > from) this.scratch[n++] = this.values[i] as number;
    }
    this.changes = 0;
    this.computedAt = now;
    this.cached = n === 0 ? undefined : select(this.scratch, rankIndex(this.quantile, n), n);
  }

  private grow(): void {
    const next = this.values.length * 2;
    const values = new Float64Array(next);
    values.set(this.values);
    const times = new Float64Array(next);
    times.set(this.times);
    this.values = values;
    this.times = times;
    this.scratch = new Float64Array(next);
  }
}

/** Nearest rank: the smallest value with at least `q` of the values at or below it. */
function rankIndex(q: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
}

/** `p90` → 0.9, `p99.9` → 0.999. */
export function quantileOf(statistic: string): number {
  return Number(statistic.slice(1)) / 100;
}
