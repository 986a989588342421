import type { ConfidenceLevel, MlCorpus, MlIncident } from '../../model/index.js';
import { medianOf, rawScore, trainModel, violatesAt, type MlModel, type MlSeries } from './baselines/legacy-median-mad.js';

/** The 13 AWS metrics ML Detect supports (device-side then cloud-side). */
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
  /** Window score: 100 × (Σ early-detection rewards − 0.5 × false alarms) / incidents. */
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

/**
 * Trains one model per metric on the incident-free part and scores the rest at every level.
 * Alarms follow §3.4 with consecutiveDatapointsToAlarm 1 and `toClear` (default 1) compliant datapoints to clear,
 * with the model's hysteresis while raised (as in the engine).
 */
export function evaluateCorpus(corpus: MlCorpus, options: { readonly now?: () => number; readonly toClear?: number } = {}): EvaluationResult {
  const toClear = options.toClear ?? 1;
  const now = options.now ?? (() => performance.now());
  const period = corpus.periodSecs * 1000;
  const timeOf = (i: number): number => corpus.start + (i + 1) * period;
  const t0 = now();
  const models = new Map<string, MlModel>();
  for (const metric of ML_METRICS) {
    const series = new Map<string, MlSeries>();
    const times = Array.from({ length: corpus.trainPoints }, (_, i) => timeOf(i));
    for (const d of corpus.devices) {
      const values = d.series[metric];
      if (values === undefined) continue;
      series.set(d.thingName, { times, values: Array.prototype.slice.call(values, 0, corpus.trainPoints) as number[] });
    }
    models.set(metric, trainModel(series, { metric, now: timeOf(corpus.trainPoints - 1) }));
  }
  const t1 = now();
  const byThing = new Map<string, MlIncident[]>();
  for (const incident of corpus.incidents) byThing.set(incident.thingName, [...(byThing.get(incident.thingName) ?? []), incident]);
  const alarmsAt = new Map<ConfidenceLevel, Array<{ thing: string; metric: string; index: number }>>(CONFIDENCE_LEVELS.map((l) => [l, []]));
  let evaluated = 0;
  for (const metric of ML_METRICS) {
    const model = models.get(metric) as MlModel;
    for (const d of corpus.devices) {
      const values = d.series[metric];
      if (values === undefined) continue;
      const raised = [false, false, false];
      const quiet = [0, 0, 0];
      for (let i = corpus.trainPoints; i < corpus.points; i++) {
        const s = rawScore(model, d.thingName, values[i] as number, timeOf(i));
        evaluated += 1;
        for (let l = 0; l < 3; l++) {
          const level = CONFIDENCE_LEVELS[l] as ConfidenceLevel;
          if (violatesAt(model, s, level, raised[l] === true)) {
            quiet[l] = 0;
            if (!raised[l]) {
              raised[l] = true;
              alarmsAt.get(level)?.push({ thing: d.thingName, metric, index: i });
            }
          } else if (raised[l] && ++(quiet[l] as number) >= toClear) raised[l] = false;
        }
      }
    }
  }
  const t2 = now();
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
    trainingMs: Math.round(t1 - t0),
    scoringMs: Math.round(t2 - t1),
  };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

const medianOrNull = (values: readonly number[]): number | null => (values.length === 0 ? null : medianOf(Float64Array.from(values)));
