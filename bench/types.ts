/** What a benchmark file (`bench/NAME.ts`) exports as default: one function that measures and reports. */
export type Benchmark = (context: BenchContext) => Promise<BenchReport>;

export interface BenchContext {
  /** Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns each run's result. */
  repeat<T>(runs: number, fn: (run: number) => Promise<T> | T, warmup?: number): Promise<T[]>;
  /** Progress line on stderr. */
  progress(message: string): void;
  /** Command-line arguments after the benchmark name. */
  readonly args: readonly string[];
}

export interface BenchReport {
  /** Column names of the result table. */
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>;
  /** Free text under the table: targets, ratios, how to read it. */
  readonly notes?: readonly string[];
}

/** Median of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Operations per second of `count` operations that took `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return ms <= 0 ? Number.POSITIVE_INFINITY : (count * 1000) / ms;
}

/** A rounded, thousands-separated number for tables. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
