import type { ConfidenceLevel } from '../../model/index.js';
import { newAlarm, stepAlarm } from '../alarms.js';
import type { MlConfig } from './config.js';
import { scoreDatapoint, trainModel, type MlModel } from './baselines/legacy-median-mad.js';

export interface BacktestRow {
  readonly time: number;
  readonly value: number;
  /** Robust z-score and its calibrated tail probability; undefined before the first model. */
  readonly score: number | undefined;
  readonly p: number | undefined;
  readonly modelStatus: 'PENDING_BUILD' | 'ACTIVE';
  readonly alarm: 'in-alarm' | 'alarm-cleared' | undefined;
  readonly inAlarm: boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Replays one device's series (any cadence, oldest first) through a fresh model that trains as it
 * goes under the configured rules: a first model once `min_hours` and `min_datapoints` are met
 * (checked every `retry_interval_secs`), refreshed every `train_interval_secs` on `window_days`.
 */
export function backtest(points: ReadonlyArray<{ time: number; value: number }>, options: { readonly metric: string; readonly level: ConfidenceLevel; readonly config: MlConfig; readonly toAlarm?: number; readonly toClear?: number }): BacktestRow[] {
  const c = options.config;
  const toAlarm = options.toAlarm ?? 1;
  const toClear = options.toClear ?? 1;
  const times: number[] = [];
  const values: number[] = [];
  let model: MlModel | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  const alarm = newAlarm();
  const rows: BacktestRow[] = [];
  const thing = 'backtest';
  for (const { time, value } of points) {
    const interval = (model === undefined ? c.retry_interval_secs : c.train_interval_secs) * 1000;
    if (time - lastAttempt >= interval && times.length > 0) {
      lastAttempt = time;
      let from = 0;
      while (from < times.length && (times[from] as number) < time - c.window_days * DAY_MS) from++;
      const n = times.length - from;
      const span = n === 0 ? 0 : (times[times.length - 1] as number) - (times[from] as number);
      if (n >= c.min_datapoints && span >= c.min_hours * HOUR_MS) model = trainModel(new Map([[thing, { times: times.slice(from), values: values.slice(from) }]]), { metric: options.metric, now: time });
    }
    let event: BacktestRow['alarm'];
    let score: number | undefined;
    let p: number | undefined;
    if (model !== undefined) {
      const scored = scoreDatapoint(model, thing, value, time, options.level, alarm.violationId !== undefined);
      score = scored.score;
      p = scored.p;
      event = stepAlarm(alarm, scored.violating, { number: value }, time, toAlarm, toClear);
      if (event === 'alarm-cleared') alarm.violationId = undefined;
    }
    rows.push({ time, value, score, p, modelStatus: model === undefined ? 'PENDING_BUILD' : 'ACTIVE', alarm: event, inAlarm: alarm.violationId !== undefined });
    times.push(time);
    values.push(value);
  }
  return rows;
}

/** Parses `timestamp,value` CSV (epoch seconds, epoch ms or ISO 8601; an optional header line). */
export function parseSeriesCsv(text: string): Array<{ time: number; value: number }> {
  const out: Array<{ time: number; value: number }> = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const [rawTime, rawValue] = line.split(',').map((s) => s.trim());
    const value = Number(rawValue);
    let time = /^\d+(\.\d+)?$/.test(rawTime ?? '') ? Number(rawTime) : Date.parse(rawTime ?? '');
    if (Number.isNaN(time) || rawValue === undefined || rawValue === '' || Number.isNaN(value)) {
      if (index === 0) continue;
      throw new Error(`line ${index + 1}: expected timestamp,value`);
    }
    if (time < 1e11) time *= 1000;
    out.push({ time, value });
  }
  return out.sort((a, b) => a.time - b.time);
}
