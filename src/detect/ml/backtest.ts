import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { err, ok, VigilError, type Result } from '../../core/index.js';
import type { ConfidenceLevel } from '../../model/index.js';
import type { MlConfig } from './config.js';
import { detectorKind, HYSTERESIS_SCORE, levelScore } from './detectors.js';

/** One datapoint of a CSV series: time (epoch ms), value, and the timestamp as written. */
export interface SeriesPoint {
  readonly time: number;
  readonly value: number;
  readonly text: string;
}

export interface BacktestOptions {
  readonly config: MlConfig;
  /** Confidence level of the alarms counted in the summary. */
  readonly level: ConfidenceLevel;
  /** Span at the start of the series that only trains: the first model is built at its end, alarms count after it. */
  readonly trainingMs: number;
  readonly metric: string;
  /** Detector of DETECTORS (default `vigil`). */
  readonly detector?: string;
}

export interface BacktestResult {
  /** Anomaly score of each datapoint, in [0, 1]. */
  readonly scores: Float64Array;
  /** Indexes of the datapoints that raised an alarm at the level (after the training span). */
  readonly alarms: readonly number[];
  /** Index of the first datapoint after the training span. */
  readonly trainedAt: number;
}

const DAY_MS = 86_400_000;

/**
 * Replays one series (oldest first, any cadence, gaps allowed) as one device: its stream scores
 * every datapoint from the first on; a model is built from the series' own history at the end of
 * the training span and refreshed every `train_interval_secs` on the trailing `window_days`, as ML
 * Detect trains on retained datapoints. Alarms follow the state machine at `level` (1 datapoint to
 * alarm, 1 to clear, held one decade below the level while raised).
 */
export function backtestSeries(points: readonly SeriesPoint[], options: BacktestOptions): BacktestResult {
  const kind = detectorKind(options.detector ?? 'vigil');
  if (kind === undefined) throw new VigilError('internal.unknown_detector', `unknown detector ${options.detector}`);
  const config = { ...options.config, min_datapoints: 1, min_hours: 0 };
  const fleet = kind.create(config, options.metric);
  const thing = 'backtest';
  const stream = fleet.stream(thing);
  const n = points.length;
  const scores = new Float64Array(n);
  const alarms: number[] = [];
  const times: number[] = [];
  const values: number[] = [];
  const start = n === 0 ? 0 : (points[0] as SeriesPoint).time;
  let nextTrain = start + options.trainingMs;
  let windowStart = 0;
  let trainedAt = n;
  let raised = false;
  const threshold = (kind.levels ?? levelScore)(options.level, cadenceOf(points));
  for (let i = 0; i < n; i++) {
    const p = points[i] as SeriesPoint;
    if (p.time >= nextTrain && times.length > 0) {
      while (windowStart < times.length && (times[windowStart] as number) < p.time - config.window_days * DAY_MS) windowStart++;
      fleet.train(new Map([[thing, { times: times.slice(windowStart), values: values.slice(windowStart) }]]), p.time);
      nextTrain = p.time + config.train_interval_secs * 1000;
      if (trainedAt === n) trainedAt = i;
    }
    const score = stream.observe(p.time, p.value);
    scores[i] = score;
    times.push(p.time);
    values.push(p.value);
    if (i < trainedAt) continue;
    const violating: boolean = score >= threshold - (raised ? HYSTERESIS_SCORE : 0);
    if (violating && !raised) alarms.push(i);
    raised = violating;
  }
  return { scores, alarms, trainedAt };
}

/** The cadence of a series: the median step between consecutive datapoints (of at most the first 10,000). */
function cadenceOf(points: readonly SeriesPoint[]): number {
  const steps: number[] = [];
  for (let i = 1; i < Math.min(points.length, 10_001); i++) steps.push((points[i] as SeriesPoint).time - (points[i - 1] as SeriesPoint).time);
  if (steps.length === 0) return 300_000;
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1] as number;
}

/** Parses `timestamp,value` CSV (epoch seconds, epoch ms or ISO 8601; an optional header line); sorted by time. */
export function parseSeriesCsv(text: string, source = 'input'): Result<SeriesPoint[]> {
  const out: SeriesPoint[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const comma = line.indexOf(',');
    const rawTime = (comma < 0 ? line : line.slice(0, comma)).trim();
    const rawValue = comma < 0 ? '' : line.slice(comma + 1).split(',')[0]?.trim() ?? '';
    const value = Number(rawValue);
    let time = /^\d+(\.\d+)?$/.test(rawTime) ? Number(rawTime) : Date.parse(rawTime);
    if (Number.isNaN(time) || rawValue === '' || !Number.isFinite(value)) {
      if (out.length === 0 && index === firstContentLine(lines)) continue; // a header
      return err(new VigilError('ml.invalid_series', `${source}: line ${index + 1}: expected timestamp,value (epoch seconds, epoch ms or ISO 8601, then a number), got "${line.slice(0, 80)}"`, { hint: 'one datapoint per line, an optional header line first' }));
    }
    if (time < 1e11) time *= 1000;
    out.push({ time, value, text: rawTime });
  }
  for (let i = 1; i < out.length; i++) {
    if ((out[i] as SeriesPoint).time < (out[i - 1] as SeriesPoint).time) return ok(out.sort((a, b) => a.time - b.time));
  }
  return ok(out);
}

function firstContentLine(lines: readonly string[]): number {
  return lines.findIndex((l) => l.trim() !== '');
}

/** A duration such as `24h`, `7d`, `90m`, `3600s` (or bare seconds) in ms. */
export function parseDuration(text: string): Result<number> {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (m === null) return err(new VigilError('ml.invalid_duration', `invalid duration "${text}"`, { hint: 'a number with a unit: 90m, 24h, 7d, 2w (bare numbers are seconds)' }));
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd' | 'w'];
  return ok(Number(m[1]) * unit);
}

export interface BacktestFileResult {
  /** Path of the input relative to the input root (the output has the same relative path under `out`). */
  readonly file: string;
  readonly points: number;
  /** Timestamp (as written) of the first datapoint after the training span, if any. */
  readonly trainedFrom: string | undefined;
  readonly alarms: readonly string[];
  readonly maxScore: number;
}

/**
 * Backtests one CSV or every `.csv` under a directory (recursively), in one process, writing one
 * `timestamp,anomaly_score` CSV per input under `out` at the same relative path.
 */
export async function backtestFiles(input: string, out: string, options: BacktestOptions): Promise<Result<BacktestFileResult[]>> {
  let root: string;
  let files: string[];
  try {
    const info = await stat(input);
    if (info.isDirectory()) {
      root = input;
      files = (await csvFiles(input)).sort();
    } else {
      root = dirname(input);
      files = [input];
    }
  } catch {
    return err(new VigilError('ml.input_not_found', `${input}: no such file or directory`, { hint: 'give a timestamp,value CSV or a directory of them' }));
  }
  if (files.length === 0) return err(new VigilError('ml.input_not_found', `${input}: no .csv file in this directory`));
  const results: BacktestFileResult[] = [];
  for (const file of files) {
    const rel = files.length === 1 && file === input ? basename(file) : relative(root, file);
    const parsed = parseSeriesCsv(await readFile(file, 'utf8'), rel);
    if (!parsed.ok) return parsed;
    const points = parsed.value;
    const r = backtestSeries(points, options);
    const lines = ['timestamp,anomaly_score'];
    let max = 0;
    for (let i = 0; i < points.length; i++) {
      const s = r.scores[i] as number;
      if (s > max) max = s;
      lines.push(`${(points[i] as SeriesPoint).text},${s.toFixed(6)}`);
    }
    const target = join(out, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${lines.join('\n')}\n`);
    results.push({ file: rel, points: points.length, trainedFrom: points[r.trainedAt]?.text, alarms: r.alarms.map((i) => (points[i] as SeriesPoint).text), maxScore: Math.round(max * 1e6) / 1e6 });
  }
  return ok(results);
}

async function csvFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await csvFiles(path)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv')) out.push(path);
  }
  return out;
}
