import type { ConfidenceLevel, MlCorpus, MlIncident } from '../../../model/index.js';
import { DEFAULT_ML_CONFIG, type MlConfig } from '../config.js';
import { EnsembleFleet, HYSTERESIS_SCORE, levelScore } from '../detectors.js';
import type { TrainingSeries } from '../detector/fleet-model.js';
import { medianOf } from '../detector/math.js';

/** The 13 AWS metrics ML Detect supports (device-side then cloud-side): the scenario corpus's metrics. */
export const ML_METRICS: readonly string[] = [
  'aws:all-bytes-out', 'aws:all-bytes-in', 'aws:all-packets-out', 'aws:all-packets-in', 'aws:num-listening-tcp-ports', 'aws:num-listening-udp-ports', 'aws:num-established-tcp-connections',
  'aws:num-messages-sent', 'aws:num-messages-received', 'aws:message-byte-size', 'aws:num-authorization-failures', 'aws:num-connection-attempts', 'aws:num-disconnects',
];

export type { MlCorpus, MlIncident };

export const CONFIDENCE_LEVELS: readonly ConfidenceLevel[] = ['LOW', 'MEDIUM', 'HIGH'];

export interface IncidentTypeResult {
  readonly incidents: number;
  readonly detected: number;
  readonly detectionRate: number;
  readonly medianDatapointsToDetect: number | null;
}

export interface LevelResult {
  readonly detectionRate: number;
  readonly falseAlarmsPer100DeviceDays: number;
  readonly medianDatapointsToDetect: number | null;
  readonly alarms: number;
  readonly falseAlarms: number;
  /** Window score: 100 × (Σ early-detection rewards − 0.5 × false alarms) / incidents (the scenario corpus's own, simpler than NAB's). */
  readonly windowScore: number;
  readonly byIncident: Readonly<Record<string, IncidentTypeResult>>;
}

export interface EvaluationResult {
  readonly levels: Readonly<Record<ConfidenceLevel, LevelResult>>;
  readonly corpus: { readonly devices: number; readonly days: number; readonly evaluatedDatapoints: number; readonly incidents: number; readonly incidentFreeDeviceDays: number };
  /** The MEDIUM window score: one number to compare changes. */
  readonly score: number;
  readonly trainingMs: number;
  readonly scoringMs: number;
}

/** Datapoints after an incident's end during which its alarms are still its own (not false alarms). */
const GRACE_POINTS = 2;
const DAY_MS = 86_400_000;

/**
 * Runs the scenario corpus through ML Detect the way the engine does: per metric one fleet of
 * streams, devices in lockstep, a training attempt every `retry_interval_secs` until a model exists
 * and then every `train_interval_secs` on the trailing `window_days`; a slot without a report is
 * scored as a silence. Alarms count in the evaluated part (after `trainPoints`), at every level,
 * with consecutiveDatapointsToAlarm 1 and `toClear` (default 1) compliant datapoints to clear, a
 * raised alarm held down to one decade below its level (as in the engine).
 */
export function evaluateCorpus(corpus: MlCorpus, options: { readonly config?: MlConfig; readonly now?: () => number; readonly toClear?: number } = {}): EvaluationResult {
  const config = options.config ?? DEFAULT_ML_CONFIG;
  const toClear = options.toClear ?? 1;
  const now = options.now ?? (() => performance.now());
  const period = corpus.periodSecs * 1000;
  const timeOf = (i: number): number => corpus.start + (i + 1) * period;
  const metrics = Object.keys(corpus.devices[0]?.series ?? {});
  const byThing = new Map<string, MlIncident[]>();
  for (const incident of corpus.incidents) byThing.set(incident.thingName, [...(byThing.get(incident.thingName) ?? []), incident]);
  const alarmsAt = new Map<ConfidenceLevel, Array<{ thing: string; metric: string; index: number }>>(CONFIDENCE_LEVELS.map((l) => [l, []]));
  let evaluated = 0;
  let trainingMs = 0;
  const t0 = now();
  for (const metric of metrics) {
    const fleet = new EnsembleFleet(config, metric);
    const devices = corpus.devices.map((d) => ({ name: d.thingName, values: d.series[metric] as ArrayLike<number>, stream: fleet.stream(d.thingName), raised: [false, false, false], quiet: [0, 0, 0] }));
    let nextTrain = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < corpus.points; i++) {
      const t = timeOf(i);
      if (t >= nextTrain) {
        const tt = now();
        const history = new Map<string, TrainingSeries>();
        for (const d of devices) history.set(d.name, reported(d.values, i, Math.max(0, i - Math.floor((config.window_days * DAY_MS) / period)), timeOf));
        const built = fleet.train(history, t);
        nextTrain = t + (built || fleet.active ? config.train_interval_secs : config.retry_interval_secs) * 1000;
        trainingMs += now() - tt;
      }
      for (const d of devices) {
        const v = d.values[i] as number;
        const missing = Number.isNaN(v);
        const score = missing ? (d.stream.missing(t) ?? 0) : d.stream.observe(t, v);
        if (i < corpus.trainPoints || !fleet.active) continue;
        evaluated += 1;
        for (let l = 0; l < 3; l++) {
          const level = CONFIDENCE_LEVELS[l] as ConfidenceLevel;
          const raised = d.raised[l] === true;
          const violating = score >= levelScore(level, d.stream.cadence) - (raised ? HYSTERESIS_SCORE : 0);
          if (violating) {
            d.quiet[l] = 0;
            if (!raised) {
              d.raised[l] = true;
              alarmsAt.get(level)?.push({ thing: d.name, metric, index: i });
            }
          } else if (!missing && raised && ++(d.quiet[l] as number) >= toClear) d.raised[l] = false;
        }
      }
    }
  }
  const scoringMs = now() - t0 - trainingMs;
  const evalPoints = corpus.points - corpus.trainPoints;
  const pointsPerDay = 86_400 / corpus.periodSecs;
  let incidentPoints = 0;
  for (const incident of corpus.incidents) incidentPoints += Math.min(corpus.points, incident.end + GRACE_POINTS) - incident.onset;
  const freeDeviceDays = (corpus.devices.length * evalPoints - incidentPoints) / pointsPerDay;
  const levels = {} as Record<ConfidenceLevel, LevelResult>;
  for (const level of CONFIDENCE_LEVELS) {
    const alarms = alarmsAt.get(level) ?? [];
    let falseAlarms = 0;
    const firstDetection = new Map<string, number>();
    for (const a of alarms) {
      const own = (byThing.get(a.thing) ?? []).find((inc) => inc.metrics.includes(a.metric) && a.index >= inc.onset && a.index < inc.end + GRACE_POINTS);
      if (own === undefined) {
        falseAlarms += 1;
        continue;
      }
      const delay = a.index - own.onset + 1;
      const seen = firstDetection.get(own.id);
      if (seen === undefined || delay < seen) firstDetection.set(own.id, delay);
    }
    // An alarm that started before the onset and is still raised is not a detection: the state machine never re-raised.
    const types = [...new Set(corpus.incidents.map((i) => i.type))];
    const byIncident: Record<string, IncidentTypeResult> = {};
    const delays: number[] = [];
    let detected = 0;
    let reward = 0;
    for (const type of types) {
      const list = corpus.incidents.filter((i) => i.type === type);
      const typeDelays: number[] = [];
      for (const incident of list) {
        const delay = firstDetection.get(incident.id);
        if (delay === undefined || delay > incident.window) continue;
        typeDelays.push(delay);
        reward += 1 - (0.5 * (delay - 1)) / incident.window;
      }
      detected += typeDelays.length;
      delays.push(...typeDelays);
      byIncident[type] = { incidents: list.length, detected: typeDelays.length, detectionRate: ratio(typeDelays.length, list.length), medianDatapointsToDetect: medianOrNull(typeDelays) };
    }
    const total = corpus.incidents.length;
    levels[level] = {
      detectionRate: ratio(detected, total),
      falseAlarmsPer100DeviceDays: freeDeviceDays <= 0 ? 0 : Math.round((falseAlarms / freeDeviceDays) * 100 * 1000) / 1000,
      medianDatapointsToDetect: medianOrNull(delays),
      alarms: alarms.length,
      falseAlarms,
      windowScore: total === 0 ? 0 : Math.round(((reward - 0.5 * falseAlarms) / total) * 100 * 10) / 10,
      byIncident,
    };
  }
  return {
    levels,
    corpus: { devices: corpus.devices.length, days: Math.round((corpus.points / pointsPerDay) * 10) / 10, evaluatedDatapoints: evaluated, incidents: corpus.incidents.length, incidentFreeDeviceDays: Math.round(freeDeviceDays * 10) / 10 },
    score: levels.MEDIUM.windowScore,
    trainingMs: Math.round(trainingMs),
    scoringMs: Math.round(scoringMs),
  };
}

/** The reported datapoints of slots [from, until). */
function reported(values: ArrayLike<number>, until: number, from: number, timeOf: (i: number) => number): TrainingSeries {
  const times: number[] = [];
  const out: number[] = [];
  for (let i = from; i < until; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    times.push(timeOf(i));
    out.push(v);
  }
  return { times, values: out };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

const medianOrNull = (values: readonly number[]): number | null => (values.length === 0 ? null : medianOf(values));
