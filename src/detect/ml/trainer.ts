import type { Clock, Timer, TimerHandle } from '../../core/index.js';
import type { Behavior, ConfidenceLevel, MlModelRecord, MlModelStore, MlTrainingSource, ProfileStore } from '../../model/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { MlConfig } from './config.js';
import { isAnomalous, trainModel, type MlModel } from './baselines/legacy-median-mad.js';

/** What the evaluation engine asks: does this datapoint violate the behavior's model? undefined = no ACTIVE model. */
export interface MlJudge {
  violates(profileName: string, behaviorName: string, metric: string, level: ConfidenceLevel, thingName: string, value: number, time: number, raised: boolean): boolean | undefined;
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
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function dimensionOf(behavior: Behavior): string {
  const d = behavior.metricDimension;
  return d === undefined ? '' : `${d.dimensionName}:${d.operator ?? 'IN'}`;
}

/**
 * Trains and serves the models of ML behaviors: one per (profile, behavior), built from the
 * retained datapoints of the trailing window once the minimum data is there, refreshed on a schedule,
 * EXPIRED after `expire_days` without a successful build (docs/ml.md).
 */
export class MlDetect implements MlJudge {
  private readonly models = new Map<string, MlModel>();
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: MlDetectOptions) {}

  async start(): Promise<void> {
    for (const record of await this.o.store.list()) if (record.status === 'ACTIVE' && record.model !== undefined) this.models.set(keyOf(record.profileName, record.behaviorName), JSON.parse(record.model) as MlModel);
    await this.train();
    const every = Math.min(this.o.config.retry_interval_secs, this.o.config.train_interval_secs) * 1000;
    this.timer = this.o.timer.setInterval(() => void this.train(), every);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  violates(profileName: string, behaviorName: string, metric: string, level: ConfidenceLevel, thingName: string, value: number, time: number, raised = false): boolean | undefined {
    const model = this.models.get(keyOf(profileName, behaviorName));
    if (model === undefined || model.metric !== metric) return undefined;
    return isAnomalous(model, thingName, value, time, level, raised);
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
    for (const profile of await this.o.profiles.listProfiles()) {
      for (const behavior of profile.behaviors) {
        if (behavior.criteria?.mlDetectionConfig === undefined || behavior.metric === undefined) continue;
        const key = keyOf(profile.name, behavior.name);
        let record = existing.get(key);
        existing.delete(key);
        if (record !== undefined && (record.metric !== behavior.metric || record.dimension !== dimensionOf(behavior))) record = undefined;
        if (record === undefined) {
          record = { profileName: profile.name, behaviorName: behavior.name, metric: behavior.metric, dimension: dimensionOf(behavior), status: 'PENDING_BUILD', collectionStart: now, lastRefresh: undefined, lastAttempt: undefined, datapoints: 0, percentage: 0, model: undefined };
          this.models.delete(key);
          await this.o.store.save(record);
        }
        live.push({ record, behavior });
      }
    }
    for (const [key, gone] of existing) {
      this.models.delete(key);
      await this.o.store.delete(gone.profileName, gone.behaviorName);
    }
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
    let datapoints = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const s of series.values()) {
      datapoints += s.values.length;
      first = Math.min(first, s.times[0] ?? first);
      last = Math.max(last, s.times[s.times.length - 1] ?? last);
    }
    const span = datapoints === 0 ? 0 : last - first;
    const percentage = Math.floor(100 * Math.min(1, datapoints / c.min_datapoints, c.min_hours === 0 ? 1 : span / (c.min_hours * HOUR_MS)));
    const key = keyOf(record.profileName, record.behaviorName);
    let next: MlModelRecord;
    if (percentage >= 100) {
      const model = trainModel(series, { metric: record.metric, now });
      this.models.set(key, model);
      next = { ...record, status: 'ACTIVE', lastRefresh: now, lastAttempt: now, datapoints, percentage, model: JSON.stringify(model) };
      this.o.telemetry.emit('detect_ml_training', { result: 'built' }, { profile: record.profileName, behavior: record.behaviorName, datapoints, devices: series.size });
    } else {
      const since = record.lastRefresh ?? record.collectionStart;
      const expired = now - since >= c.expire_days * DAY_MS;
      if (expired) this.models.delete(key);
      this.o.telemetry.emit('detect_ml_training', { result: expired ? 'expired' : 'pending' }, { profile: record.profileName, behavior: record.behaviorName, datapoints, percentage });
      next = { ...record, status: expired ? 'EXPIRED' : record.status, lastAttempt: now, datapoints, percentage, model: expired ? undefined : record.model };
    }
    await this.o.store.save(next);
  }
}
