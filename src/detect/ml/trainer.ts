import type { Clock, Timer, TimerHandle } from '../../core/index.js';
import type { Behavior, ConfidenceLevel, MlModelRecord, MlModelStore, MlTrainingSource, ProfileStore } from '../../model/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { MlConfig } from './config.js';
import { collectionPercentage, EnsembleFleet, HYSTERESIS_SCORE, levelScore } from './detectors.js';
import { trainFleetModel, type FleetModel } from './detector/fleet-model.js';
import { relatedMetrics } from './related-metrics.js';

/** What the evaluation engine asks of ML Detect. */
export interface MlJudge {
  /**
   * Scores one datapoint of an ML behavior (the thing's stream learns from it) and says whether it
   * violates at `level`; undefined while the behavior has no ACTIVE model (it never alarms then).
   * `peer` gives the value of another metric in the same report (relations between metrics).
   */
  violates(profileName: string, behaviorName: string, metric: string, level: ConfidenceLevel, thingName: string, value: number, time: number, raised: boolean, peer?: (metric: string) => number | undefined): boolean | undefined;
  /**
   * The thing's report for this behavior is overdue at `now`: the silence is scored once per missing
   * report. True/false = that missing report violates or not; undefined = nothing newly due (or no ACTIVE model).
   */
  overdue(profileName: string, behaviorName: string, level: ConfidenceLevel, thingName: string, now: number, raised: boolean): boolean | undefined;
  /** The engine forgot a thing (silent past `invalidate_after_secs`): its streams go too. */
  forget(thingName: string): void;
}

export interface MlDetectOptions {
  readonly store: MlModelStore;
  readonly source: MlTrainingSource;
  readonly profiles: ProfileStore;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly config: MlConfig;
}

const keyOf = (profile: string, behavior: string): string => `${profile}\u0000${behavior}`;
const DAY_MS = 86_400_000;

function dimensionOf(behavior: Behavior): string {
  const d = behavior.metricDimension;
  return d === undefined ? '' : `${d.dimensionName}:${d.operator ?? 'IN'}`;
}

/** One ML behavior: its fleet (model and per-thing streams) and the peer metrics its relations use. */
interface MlBehavior {
  readonly metric: string;
  readonly fleet: EnsembleFleet;
  readonly peers: readonly string[];
  readonly peerValues: Float64Array;
}

/**
 * ML Detect (docs/ml.md). Every datapoint of an ML behavior goes through the thing's streaming
 * detector from the first one on; the behavior alarms once its model is ACTIVE. A model — the fleet's
 * and each device's baseline, trained on the retained datapoints of the trailing window — is built
 * once the minimum data is there, refreshed on a schedule, EXPIRED after `expire_days` without a
 * successful build; a thing the model has not seen starts from the fleet's baseline.
 */
export class MlDetect implements MlJudge {
  private readonly behaviors = new Map<string, MlBehavior>();
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: MlDetectOptions) {}

  async start(): Promise<void> {
    const stale: MlModelRecord[] = [];
    for (const record of await this.o.store.list()) {
      if (record.status !== 'ACTIVE' || record.model === undefined) continue;
      const model = parseModel(record.model);
      // A model of an older format (the median/MAD model) is rebuilt at once.
      if (model === undefined) stale.push(record);
      else this.behavior(record.profileName, record.behaviorName, record.metric).fleet.adopt(model);
    }
    for (const record of stale) await this.o.store.save({ ...record, lastAttempt: undefined });
    await this.train();
    const every = Math.min(this.o.config.retry_interval_secs, this.o.config.train_interval_secs) * 1000;
    this.timer = this.o.timer.setInterval(() => void this.train(), every);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  private behavior(profileName: string, behaviorName: string, metric: string): MlBehavior {
    const key = keyOf(profileName, behaviorName);
    let b = this.behaviors.get(key);
    if (b === undefined || b.metric !== metric) {
      const peers = relatedMetrics(metric);
      b = { metric, fleet: new EnsembleFleet(this.o.config, metric), peers, peerValues: new Float64Array(peers.length) };
      this.behaviors.set(key, b);
    }
    return b;
  }

  violates(profileName: string, behaviorName: string, metric: string, level: ConfidenceLevel, thingName: string, value: number, time: number, raised = false, peer?: (metric: string) => number | undefined): boolean | undefined {
    const b = this.behavior(profileName, behaviorName, metric);
    let peers: Float64Array | undefined;
    if (peer !== undefined && b.peers.length > 0) {
      peers = b.peerValues;
      for (let i = 0; i < b.peers.length; i++) peers[i] = peer(b.peers[i] as string) ?? Number.NaN;
    }
    const stream = b.fleet.stream(thingName);
    const score = stream.observe(time, value, peers);
    if (!b.fleet.active) return undefined;
    return score >= levelScore(level, stream.cadence) - (raised ? HYSTERESIS_SCORE : 0);
  }

  overdue(profileName: string, behaviorName: string, level: ConfidenceLevel, thingName: string, now: number, raised: boolean): boolean | undefined {
    const b = this.behaviors.get(keyOf(profileName, behaviorName));
    if (b === undefined || !b.fleet.active) return undefined;
    const stream = b.fleet.streams.get(thingName);
    if (stream === undefined) return undefined;
    const score = stream.overdue(now);
    if (score === undefined) return undefined;
    return score >= levelScore(level, stream.cadence) - (raised ? HYSTERESIS_SCORE : 0);
  }

  forget(thingName: string): void {
    for (const b of this.behaviors.values()) b.fleet.streams.delete(thingName);
  }

  /** The last score (0..1) of a thing's stream of an ML behavior, and when; undefined before its first datapoint. */
  lastScore(profileName: string, behaviorName: string, thingName: string): { time: number; score: number } | undefined {
    const stream = this.behaviors.get(keyOf(profileName, behaviorName))?.fleet.streams.get(thingName);
    if (stream === undefined || stream.n === 0) return undefined;
    return { time: stream.lastTime, score: stream.lastScore };
  }

  /** Records of every ML behavior (created PENDING_BUILD when first seen), for the training summaries. */
  async summaries(profileName?: string): Promise<MlModelRecord[]> {
    await this.sync();
    return this.o.store.list(profileName);
  }

  /** Creates records for new ML behaviors and drops those of removed or changed ones. */
  async sync(): Promise<Array<{ record: MlModelRecord; behavior: Behavior }>> {
    const now = this.o.clock.now();
    const existing = new Map((await this.o.store.list()).map((r) => [keyOf(r.profileName, r.behaviorName), r] as const));
    const live: Array<{ record: MlModelRecord; behavior: Behavior }> = [];
    const liveKeys = new Set<string>();
    for (const profile of await this.o.profiles.listProfiles()) {
      for (const behavior of profile.behaviors) {
        if (behavior.criteria?.mlDetectionConfig === undefined || behavior.metric === undefined) continue;
        const key = keyOf(profile.name, behavior.name);
        liveKeys.add(key);
        let record = existing.get(key);
        existing.delete(key);
        if (record !== undefined && (record.metric !== behavior.metric || record.dimension !== dimensionOf(behavior))) record = undefined;
        if (record === undefined) {
          record = { profileName: profile.name, behaviorName: behavior.name, metric: behavior.metric, dimension: dimensionOf(behavior), status: 'PENDING_BUILD', collectionStart: now, lastRefresh: undefined, lastAttempt: undefined, datapoints: 0, percentage: 0, model: undefined };
          this.behaviors.delete(key);
          await this.o.store.save(record);
        }
        live.push({ record, behavior });
      }
    }
    for (const key of [...this.behaviors.keys()]) if (!liveKeys.has(key)) this.behaviors.delete(key);
    for (const gone of existing.values()) await this.o.store.delete(gone.profileName, gone.behaviorName);
    return live;
  }

  /** One training pass: every due model is built or refreshed (or moves toward EXPIRED). */
  train(force = false): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.running = this.trainPass(force).finally(() => (this.running = undefined));
    return this.running;
  }

  private async trainPass(force: boolean): Promise<void> {
    const c = this.o.config;
    try {
      for (const { record, behavior } of await this.sync()) {
        const now = this.o.clock.now();
        const interval = record.status === 'ACTIVE' ? c.train_interval_secs * 1000 : c.retry_interval_secs * 1000;
        if (!force && record.lastAttempt !== undefined && now - record.lastAttempt < interval) continue;
        await this.attempt(record, behavior, now);
      }
    } catch (error) {
      this.o.telemetry.emit('component_error', { component: 'detect', code: 'detect.ml_training_failed', stage: 'train' }, { err: error instanceof Error ? error.message : String(error) });
    }
  }

  private async attempt(record: MlModelRecord, behavior: Behavior, now: number): Promise<void> {
    const c = this.o.config;
    const series = await this.o.source.series({ metric: record.metric, dimensionName: behavior.metricDimension?.dimensionName, dimensionOperator: behavior.metricDimension?.operator ?? 'IN', from: now - c.window_days * DAY_MS, to: now + 1 });
    const { percentage, datapoints } = collectionPercentage(series, c.min_datapoints, c.min_hours);
    const b = this.behavior(record.profileName, record.behaviorName, record.metric);
    let next: MlModelRecord;
    if (percentage >= 100) {
      const model = trainFleetModel(series, { metric: record.metric, now, previous: b.fleet.model });
      b.fleet.adopt(model);
      next = { ...record, status: 'ACTIVE', lastRefresh: now, lastAttempt: now, datapoints, percentage, model: JSON.stringify(model) };
      this.o.telemetry.emit('detect_ml_training', { result: 'built' }, { profile: record.profileName, behavior: record.behaviorName, datapoints, devices: series.size });
    } else {
      const since = record.lastRefresh ?? record.collectionStart;
      const expired = now - since >= c.expire_days * DAY_MS;
      if (expired) b.fleet.model = undefined;
      this.o.telemetry.emit('detect_ml_training', { result: expired ? 'expired' : 'pending' }, { profile: record.profileName, behavior: record.behaviorName, datapoints, percentage });
      next = { ...record, status: expired ? 'EXPIRED' : record.status, lastAttempt: now, datapoints, percentage, model: expired ? undefined : record.model };
    }
    await this.o.store.save(next);
  }
}

/** A stored model of the current format, or undefined (an older format, or not a model). */
function parseModel(text: string): FleetModel | undefined {
  try {
    const model = JSON.parse(text) as Partial<FleetModel>;
    return model.version === 2 && model.fleet !== undefined && model.devices !== undefined ? (model as FleetModel) : undefined;
  } catch {
    return undefined;
  }
}
