import type { ConfidenceLevel } from '../../../model/index.js';
import type { MlConfig } from '../config.js';
import { DETECTORS, HYSTERESIS_SCORE, type DetectorKind } from '../detectors.js';
import type { TrainingSeries } from '../detector/fleet-model.js';
import type { LabelledCorpus, LabelledSeries } from './labelled-corpus.js';
import { addNabScore, emptyRaw, NAB_PROFILE_NAMES, NAB_PROFILES, normalised, type NabProfileName, type NabRaw } from './nab-score.js';

/** Scores of one detector over the corpus at one threshold. */
export interface ThresholdResult {
  /** The score threshold (a level's, of the first series: it depends on the cadence). */
  readonly threshold: number;
  /** Normalised NAB score per profile, over every series (normal series add their false positives). */
  readonly scores: Readonly<Record<NabProfileName, number>>;
  /** Standard-profile score per anomaly family, and what it is made of. */
  readonly byFamily: Readonly<Record<string, { readonly score: number; readonly windows: number; readonly detected: number; readonly falsePositives: number }>>;
  /** Alarms raised on normal series per 100 device-days (after probation). */
  readonly normalFalseAlarmsPer100DeviceDays: number;
  readonly normalFalseAlarms: number;
}

export interface DetectorEvaluation {
  readonly name: string;
  readonly description: string;
  /** At each confidence level the detector has. */
  readonly levels: Partial<Record<ConfidenceLevel, ThresholdResult>>;
  /** At the threshold that maximises each profile's score (NAB's threshold optimisation). */
  readonly best: Readonly<Record<NabProfileName, ThresholdResult>>;
  readonly scoringMs: number;
  readonly datapoints: number;
}

export interface LabelledEvaluation {
  readonly corpus: { readonly series: number; readonly fleets: number; readonly datapoints: number; readonly windows: number; readonly normalSeries: number; readonly normalDeviceDays: number; readonly families: readonly string[] };
  readonly detectors: readonly DetectorEvaluation[];
}

/** The scores of one detector on one series: per slot, and whether the slot had no report. */
export interface SeriesScores {
  readonly series: LabelledSeries;
  readonly scores: Float32Array;
  readonly missing: Uint8Array;
}

const DAY = 86_400_000;
const THRESHOLDS = Array.from({ length: 96 }, (_, i) => Math.round((0.05 + i * 0.01) * 100) / 100);

/**
 * Runs every detector over the corpus the way the engine runs (fleet by fleet, devices in lockstep,
 * a training attempt every `retry_interval_secs` until a model exists, then every
 * `train_interval_secs` on the trailing `window_days`) and scores the alarms they raise with NAB's
 * windowed score (nab-score.ts). A detector's datapoints count as detections only once its model is
 * ACTIVE; an alarm is raised when the score reaches the threshold and held down to one decade below.
 */
export function evaluateLabelled(corpus: LabelledCorpus, config: MlConfig, options: { readonly detectors?: readonly string[]; readonly now?: () => number } = {}): LabelledEvaluation {
  const now = options.now ?? (() => performance.now());
  const kinds = DETECTORS.filter((d) => options.detectors === undefined || options.detectors.includes(d.name));
  const fleets = groupFleets(corpus.series);
  const families = [...new Set(corpus.series.map((s) => s.family).filter((f) => f !== 'normal'))];
  let datapoints = 0;
  let windows = 0;
  let normalDays = 0;
  for (const s of corpus.series) {
    datapoints += s.values.length;
    windows += s.windows.length;
    if (s.family === 'normal') normalDays += deviceDays(s);
  }
  const detectors: DetectorEvaluation[] = [];
  for (const kind of kinds) {
    const t0 = now();
    const all: SeriesScores[] = [];
    for (const fleet of fleets.values()) all.push(...scoreFleet(kind, fleet, config));
    const scoringMs = now() - t0;
    const levels: Partial<Record<ConfidenceLevel, ThresholdResult>> = {};
    const levelOf = kind.levels;
    if (levelOf !== undefined) for (const level of ['LOW', 'MEDIUM', 'HIGH'] as const) levels[level] = scoreAt(all, (s) => levelOf(level, s.cadenceSecs * 1000), families, normalDays);
    const sweep = THRESHOLDS.map((t) => scoreAt(all, () => t, families, normalDays));
    const best = {} as Record<NabProfileName, ThresholdResult>;
    for (const profile of NAB_PROFILE_NAMES) best[profile] = sweep.reduce((a, b) => (b.scores[profile] > a.scores[profile] ? b : a));
    detectors.push({ name: kind.name, description: kind.description, levels, best, scoringMs: Math.round(scoringMs), datapoints });
  }
  return { corpus: { series: corpus.series.length, fleets: fleets.size, datapoints, windows, normalSeries: corpus.series.filter((s) => s.family === 'normal').length, normalDeviceDays: Math.round(normalDays * 10) / 10, families }, detectors };
}

function groupFleets(series: readonly LabelledSeries[]): Map<string, LabelledSeries[]> {
  const fleets = new Map<string, LabelledSeries[]>();
  for (const s of series) fleets.set(s.fleet, [...(fleets.get(s.fleet) ?? []), s]);
  return fleets;
}

function deviceDays(s: LabelledSeries): number {
  const n = s.values.length;
  if (n <= s.probation) return 0;
  return ((s.times[n - 1] as number) - (s.times[s.probation] as number)) / DAY;
}

/** Streams one fleet through a detector in lockstep, training on schedule. */
export function scoreFleet(kind: DetectorKind, members: readonly LabelledSeries[], config: MlConfig): SeriesScores[] {
  const detector = kind.create(config, members[0]?.metric ?? 'metric');
  const out = members.map((series) => ({ series, scores: new Float32Array(series.values.length), missing: new Uint8Array(series.values.length) }));
  const streams = members.map((s) => detector.stream(s.thingName));
  const length = Math.max(...members.map((s) => s.values.length));
  const peers = new Float64Array(1);
  let nextTrain = Number.NEGATIVE_INFINITY;
  const windowMs = config.window_days * DAY;
  for (let i = 0; i < length; i++) {
    const t = members[0]?.times[i] as number;
    if (t >= nextTrain) {
      const history = new Map<string, TrainingSeries>();
      for (const s of members) history.set(s.thingName, historyOf(s, i, t - windowMs));
      const built = detector.train(history, t);
      nextTrain = t + (built || detector.active ? config.train_interval_secs : config.retry_interval_secs) * 1000;
    }
    for (let d = 0; d < members.length; d++) {
      const s = members[d] as LabelledSeries;
      if (i >= s.values.length) continue;
      const v = s.values[i] as number;
      const stream = streams[d] as (typeof streams)[number];
      const o = out[d] as SeriesScores;
      let score: number;
      if (Number.isNaN(v)) {
        score = stream.missing(s.times[i] as number) ?? 0;
        o.missing[i] = 1;
      } else if (s.peer !== undefined) {
        peers[0] = s.peer[i] as number;
        score = stream.observe(s.times[i] as number, v, peers);
      } else score = stream.observe(s.times[i] as number, v);
      o.scores[i] = detector.active ? score : 0;
    }
  }
  return out;
}

/** The reported datapoints of a series before slot `until`, from `from` (epoch ms) on. */
function historyOf(s: LabelledSeries, until: number, from: number): TrainingSeries {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < until && i < s.values.length; i++) {
    const v = s.values[i] as number;
    if (Number.isNaN(v) || (s.times[i] as number) < from) continue;
    times.push(s.times[i] as number);
    values.push(v);
  }
  return { times, values };
}

/**
 * Alarm onsets of a score series at a threshold: raised when a datapoint's score reaches it, held
 * while scores stay within one decade below it, cleared by the first datapoint below that; a slot
 * without a report only raises (a silence that scores), never clears.
 */
export function alarmOnsets(scores: Float32Array, missing: Uint8Array, threshold: number, out: number[] = []): number[] {
  out.length = 0;
  let raised = false;
  const hold = threshold - HYSTERESIS_SCORE;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    const violating: boolean = s >= (raised ? hold : threshold);
    if (missing[i] === 1 && !violating) continue;
    if (violating && !raised) out.push(i);
    raised = violating;
  }
  return out;
}

/** Scores at a threshold (per series: a level's threshold depends on the cadence; a swept one does not). */
function scoreAt(all: readonly SeriesScores[], thresholdOf: (series: LabelledSeries) => number, families: readonly string[], normalDays: number): ThresholdResult {
  const totals = Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, emptyRaw()])) as Record<NabProfileName, NabRaw>;
  const perFamily = new Map<string, NabRaw>(families.map((f) => [f, emptyRaw()]));
  let normalAlarms = 0;
  const onsets: number[] = [];
  for (const r of all) {
    alarmOnsets(r.scores, r.missing, thresholdOf(r.series), onsets);
    const scored = { length: r.series.values.length, windows: r.series.windows, probation: r.series.probation };
    for (const p of NAB_PROFILE_NAMES) addNabScore(totals[p], scored, onsets, NAB_PROFILES[p]);
    if (r.series.family === 'normal') {
      for (const o of onsets) if (o >= r.series.probation) normalAlarms++;
    } else addNabScore(perFamily.get(r.series.family) as NabRaw, scored, onsets, NAB_PROFILES.standard);
  }
  const byFamily: Record<string, ThresholdResult['byFamily'][string]> = {};
  for (const [family, raw] of perFamily) byFamily[family] = { score: round1(normalised(raw)), windows: raw.truePositives + raw.missed, detected: raw.truePositives, falsePositives: raw.falsePositives };
  return {
    threshold: all.length === 0 ? 0 : round3(thresholdOf((all[0] as SeriesScores).series)),
    scores: { standard: round1(normalised(totals.standard)), lowFp: round1(normalised(totals.lowFp)), lowFn: round1(normalised(totals.lowFn)) },
    byFamily,
    normalFalseAlarmsPer100DeviceDays: normalDays <= 0 ? 0 : Math.round((normalAlarms / normalDays) * 100 * 1000) / 1000,
    normalFalseAlarms: normalAlarms,
  };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;
