import type { Clock, Timer, TimerHandle } from '../core/index.js';
import type { AlarmRecord, CloudDatapoint, DatapointSink, DeviceDatapoint, Dimension, MetricDatum, MqttPublisher, ProfileStore, RegistryEvents, ThingDirectory, Violation, ViolationStore } from '../model/index.js';
import type { MetricReport } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { newAlarm, stepAlarm, type AlarmState } from './alarms.js';
import { compileProfile, DEFAULT_COUNTER_WINDOW_MS, type CompiledProfile, type Slot } from './compile.js';
import type { DetectConfig } from './config.js';
import { toMetricValue, topicMatches, type DatapointValue } from './criteria.js';
import { deviceValue, MAX_WINDOW_MS, netSample, type NetSample } from './datapoints.js';
import { ExportBuffer, exportPayloads } from './export.js';
import type { MlJudge } from './ml/trainer.js';
import { newEvent, ViolationRecorder } from './recorder.js';
import { TargetIndex } from './targets.js';

interface Counter {
  windowStart: number;
  readonly windowMs: number;
  sum: number;
}

interface ThingState {
  readonly name: string;
  groups: readonly string[] | undefined;
  loaded: boolean;
  pending: Array<() => void> | undefined;
  profiles: readonly CompiledProfile[];
  profilesVersion: number;
  net: NetSample[];
  /** By `profile \0 slot key \0 dimension`. */
  readonly alarms: Map<string, AlarmState>;
  /** Fast path: this compilation's slots → their alarm. */
  slotAlarms: Map<Slot, AlarmState>;
  readonly counters: Map<Slot, Counter>;
  lastSeen: number;
}

export interface DetectEngineOptions {
  readonly profiles: ProfileStore;
  readonly violations: ViolationStore;
  readonly directory: ThingDirectory;
  readonly registryEvents?: RegistryEvents | undefined;
  readonly recorder: ViolationRecorder;
  readonly publisher?: MqttPublisher | undefined;
  /** Receives retained metric values (ListMetricValues); absent = not retained. */
  readonly retain?: ((data: MetricDatum[]) => Promise<void>) | undefined;
  /** Drops retained values older than the history window. */
  readonly expireRetained?: ((before: number) => Promise<void>) | undefined;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly config: DetectConfig;
  readonly arnPrefix: string;
  /** Models of ML behaviors; absent = ML behaviors never alarm. */
  readonly ml?: MlJudge | undefined;
}

const alarmKey = (profile: string, key: string, dimension: string): string => `${profile}\u0000${key}\u0000${dimension}`;

/**
 * The Detect evaluation engine: every datapoint of every targeted thing is evaluated against every
 * behavior of the thing's profiles, alarms step through §3.4, violation events go to the recorder,
 * retained values to the history, exported values to the export buffer.
 */
export class DetectEngine implements DatapointSink<MetricReport> {
  private compiled = new Map<string, CompiledProfile>();
  private targets = new TargetIndex('');
  private version = 0;
  private readonly things = new Map<string, ThingState>();
  private retained: MetricDatum[] = [];
  private readonly exports = new ExportBuffer();
  private timers: TimerHandle[] = [];
  private unsubscribe: (() => void) | undefined;
  private lastExpiry = 0;
  private readonly pendingLoads = new Set<Promise<void>>();

  constructor(private readonly o: DetectEngineOptions) {
    this.targets = new TargetIndex(o.arnPrefix);
  }

  async start(): Promise<void> {
    await this.reload();
    await this.restoreAlarms();
    this.unsubscribe = this.o.registryEvents?.subscribe((change) => {
      if (change.kind === 'membership' || change.kind === 'thing') {
        const name = 'thingName' in change ? change.thingName : undefined;
        if (name !== undefined) this.refreshThing(name);
        else for (const thing of this.things.keys()) this.refreshThing(thing);
      }
    });
    this.timers.push(this.o.timer.setInterval(() => void this.tick(), this.o.config.tick_interval_secs * 1000));
    this.timers.push(this.o.timer.setInterval(() => void this.exportNow(), this.o.config.export_interval_secs * 1000));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.flush();
  }

  /** Re-reads profiles, targets, custom metrics and dimensions; invalidates alarms that lost their behavior or target. */
  async reload(): Promise<void> {
    const [profiles, targets, customMetrics, dimensions] = await Promise.all([this.o.profiles.listProfiles(), this.o.profiles.listTargets(), allPages((c) => this.o.profiles.listCustomMetrics({ limit: 250, cursor: c })), allPages((c) => this.o.profiles.listDimensions({ limit: 250, cursor: c }))]);
    const context = { customMetrics: new Map(customMetrics.map((m) => [m.name, m.metricType] as const)), dimensions: new Set(dimensions.map((d) => d.name)), dimensionValues: new Map<string, Dimension>(dimensions.map((d) => [d.name, d])) };
    const next = new Map<string, CompiledProfile>();
    for (const profile of profiles) next.set(profile.name, compileProfile(profile, context, this.compiled.get(profile.name)));
    for (const name of this.compiled.keys()) if (!next.has(name)) this.exports.forget(name);
    this.compiled = next;
    this.targets = new TargetIndex(this.o.arnPrefix, targets, next);
    this.version += 1;
    const now = this.o.clock.now();
    for (const state of this.things.values()) if (state.loaded) this.resolveProfiles(state, now);
  }

  /** DatapointSink: one accepted report from the broker. */
  device(datapoint: DeviceDatapoint<MetricReport>): void {
    this.ingestReport(datapoint.thingName, datapoint.timestamp, datapoint.report);
  }

  /** DatapointSink: one cloud-side datapoint from the broker. */
  cloud(datapoint: CloudDatapoint): void {
    this.ingestCloud(datapoint);
  }

  /** Device-side datapoints of one accepted report. */
  ingestReport(thingName: string, time: number, report: MetricReport): void {
    const state = this.thing(thingName);
    if (!state.loaded) {
      state.pending?.push(() => this.evaluateReport(state, time, report));
      return;
    }
    this.evaluateReport(state, time, report);
  }

  /** One cloud-side datapoint. */
  ingestCloud(datapoint: CloudDatapoint): void {
    const state = this.thing(datapoint.thingName);
    if (!state.loaded) {
      state.pending?.push(() => this.evaluateCloud(state, datapoint));
      return;
    }
    this.evaluateCloud(state, datapoint);
  }

  /** Resolves once every thing's profile lookup and every queued store write has finished. */
  async idle(): Promise<void> {
    while (this.pendingLoads.size > 0) await Promise.all([...this.pendingLoads]);
    await this.o.recorder.idle();
  }

  /** Closes due counter windows, invalidates silent things, flushes alarms and retained values. */
  async tick(): Promise<void> {
    const now = this.o.clock.now();
    for (const state of this.things.values()) {
      if (state.counters.size > 0) this.closeWindows(state, now);
      if (now - state.lastSeen > this.o.config.invalidate_after_secs * 1000) this.forgetThing(state, now);
    }
    if (now - this.lastExpiry >= 3_600_000) {
      this.lastExpiry = now;
      const before = now - this.o.config.history_days * 86_400_000;
      this.o.recorder.enqueue(async () => void (await this.o.violations.expire(before)));
      const expireRetained = this.o.expireRetained;
      if (expireRetained !== undefined) this.o.recorder.enqueue(() => expireRetained(before));
    }
    await this.flush();
  }

  /** Publishes each profile's pending export items to its `metricsExportConfig.mqttTopic`. */
  async exportNow(): Promise<number> {
    const now = this.o.clock.now();
    const drained = this.exports.drain(now);
    let published = 0;
    for (const [profileName, items] of drained) {
      const topic = this.compiled.get(profileName)?.exportTopic;
      if (topic === undefined || items.length === 0 || this.o.publisher === undefined) continue;
      for (const payload of exportPayloads(items, this.o.config.max_export_payload_bytes)) {
        const result = await this.o.publisher.publish(topic, Buffer.from(payload), { qos: 1 });
        this.o.telemetry.count('detect_export_published', { result: result.ok ? 'ok' : 'error' });
        if (result.ok) published += 1;
      }
    }
    return published;
  }

  /** Writes dirty alarm counters, changed violations and buffered retained values. */
  async flush(): Promise<void> {
    const records: AlarmRecord[] = [];
    for (const state of this.things.values()) {
      for (const [key, alarm] of state.alarms) {
        if (!alarm.dirty) continue;
        alarm.dirty = false;
        const [profileName, behaviorName, dimension] = key.split('\u0000') as [string, string, string];
        records.push({ thingName: state.name, profileName, behaviorName, dimension, violating: alarm.violating, compliant: alarm.compliant, violationId: alarm.violationId, lastDatapointTime: alarm.lastDatapointTime });
        if (alarm.violationDirty && alarm.violationId !== undefined) {
          alarm.violationDirty = false;
          const slot = this.compiled.get(profileName)?.slots.find((s) => s.key === behaviorName);
          if (slot?.behavior !== undefined) this.o.recorder.update(this.violationOf(state.name, slot, alarm, undefined));
        }
      }
    }
    if (records.length > 0) this.o.recorder.enqueue(() => this.o.violations.saveAlarms(records));
    const retained = this.retained;
    this.retained = [];
    if (retained.length > 0 && this.o.retain !== undefined) {
      const retain = this.o.retain;
      this.o.recorder.enqueue(() => retain(retained));
    }
    await this.idle();
  }

  /** Things with state in memory (for the benchmark's memory figure). */
  get thingCount(): number {
    return this.things.size;
  }

  private thing(name: string): ThingState {
    let state = this.things.get(name);
    if (state !== undefined) return state;
    state = { name, groups: undefined, loaded: false, pending: [], profiles: [], profilesVersion: -1, net: [], alarms: new Map(), slotAlarms: new Map(), counters: new Map(), lastSeen: this.o.clock.now() };
    this.things.set(name, state);
    this.load(state);
    return state;
  }

  private load(state: ThingState): void {
    const loading = this.o.directory.groupsOf(state.name).then(
      (groups) => {
        state.groups = groups;
        state.loaded = true;
        this.resolveProfiles(state, this.o.clock.now());
        const pending = state.pending ?? [];
        state.pending = undefined;
        for (const work of pending) work();
      },
      (error: unknown) => {
        this.o.telemetry.emit('component_error', { component: 'detect', code: 'detect.directory_failed', stage: 'groups' }, { thingName: state.name, err: error instanceof Error ? error.message : String(error) });
        state.loaded = true;
        state.pending = undefined;
      },
    );
    this.pendingLoads.add(loading);
    void loading.finally(() => this.pendingLoads.delete(loading));
  }

  private refreshThing(name: string): void {
    const state = this.things.get(name);
    if (state === undefined || !state.loaded) return;
    const loading = this.o.directory.groupsOf(name).then((groups) => {
      state.groups = groups;
      this.resolveProfiles(state, this.o.clock.now());
    }, () => undefined);
    this.pendingLoads.add(loading);
    void loading.finally(() => this.pendingLoads.delete(loading));
  }

  /** Recomputes a thing's profiles; alarms of profiles or behaviors it lost are invalidated. */
  private resolveProfiles(state: ThingState, now: number): void {
    state.profiles = this.targets.profilesFor(state.groups);
    state.profilesVersion = this.version;
    state.slotAlarms = new Map();
    const live = new Set<string>();
    for (const p of state.profiles) for (const s of p.slots) if (s.behavior !== undefined) live.add(alarmKey(p.profile.name, s.key, s.dimensionKey));
    for (const [key, alarm] of state.alarms) {
      if (live.has(key)) continue;
      state.alarms.delete(key);
      this.o.recorder.enqueue(() => this.o.violations.deleteAlarms([keyParts(state.name, key)]));
      if (alarm.violationId !== undefined) this.invalidate(state.name, key, alarm, now);
    }
    for (const slot of [...state.counters.keys()]) if (!state.profiles.some((p) => p.slots.includes(slot))) state.counters.delete(slot);
  }

  private invalidate(thingName: string, key: string, alarm: AlarmState, now: number): void {
    const [profileName] = key.split('\u0000') as [string];
    const violationId = alarm.violationId as string;
    alarm.violationId = undefined;
    this.o.recorder.enqueue(async () => {
      const stored = await this.o.violations.getViolation(violationId);
      if (stored === undefined || stored.endTime !== undefined) return;
      const ended: Violation = { ...stored, endTime: now };
      this.o.recorder.record({ violation: ended, event: newEvent(ended, stored.behavior, 'alarm-invalidated', undefined, now), alertTarget: this.compiled.get(profileName)?.alertTarget ?? undefined });
    });
  }

  private forgetThing(state: ThingState, now: number): void {
    for (const [key, alarm] of state.alarms) if (alarm.violationId !== undefined) this.invalidate(state.name, key, alarm, now);
    const keys = [...state.alarms.keys()].map((k) => keyParts(state.name, k));
    if (keys.length > 0) this.o.recorder.enqueue(() => this.o.violations.deleteAlarms(keys));
    for (const p of state.profiles) for (const s of p.slots) s.fleet?.remove(state.name);
    this.things.delete(state.name);
  }

  private evaluateReport(state: ThingState, time: number, report: MetricReport): void {
    if (state.profilesVersion !== this.version) this.resolveProfiles(state, time);
    state.lastSeen = time;
    const sample = netSample(report, time);
    if (sample !== undefined) {
      state.net.push(sample);
      while (state.net.length > 0 && (state.net[0] as NetSample).time <= time - MAX_WINDOW_MS) state.net.shift();
    }
    let evaluated = 0;
    let retainedKeys: Set<string> | undefined;
    for (const profile of state.profiles) {
      for (const slot of profile.deviceSlots) {
        const custom = slot.spec.source === 'custom' ? report.customMetrics?.[slot.metric] : undefined;
        if (custom !== undefined && kindOfCustom(custom.type) !== slot.spec.kind) continue;
        const raw = deviceValue(slot.metric, report, state.net, time, undefined);
        if (raw === undefined) continue;
        const value = slot.durationMs === undefined || slot.spec.aggregation !== 'delta' ? raw : (deviceValue(slot.metric, report, state.net, time, slot.durationMs) as DatapointValue);
        if (slot.retain) {
          retainedKeys ??= new Set();
          if (!retainedKeys.has(slot.metric)) {
            retainedKeys.add(slot.metric);
            this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: undefined, dimensionOperator: undefined, time, value: toMetricValue(raw, slot.spec.kind) });
          }
        }
        if (slot.export) this.exports.add(profile.profile.name, { name: slot.metric, thing: state.name, value: toMetricValue(raw, slot.spec.kind), version: 1, timestamp: time });
        if (slot.criterion !== undefined) {
          this.evaluate(state, slot, value, time);
          evaluated += 1;
        }
      }
    }
    if (evaluated > 0) this.o.telemetry.count('detect_datapoints', { source: 'device' }, evaluated);
  }

  private evaluateCloud(state: ThingState, dp: CloudDatapoint): void {
    const time = dp.timestamp;
    if (state.profilesVersion !== this.version) this.resolveProfiles(state, time);
    state.lastSeen = time;
    const clientId = dp.thingName;
    const topic = dp.metric === 'aws:source-ip-address' ? undefined : dp.topic;
    for (const profile of state.profiles) {
      const slots = profile.cloudSlots.get(dp.metric);
      if (slots === undefined) continue;
      for (const slot of slots) {
        if (slot.dimension !== undefined) {
          const matched = topic !== undefined && slot.dimension.filters.some((f) => topicMatches(f, topic, clientId));
          if (matched !== (slot.dimension.operator === 'IN')) continue;
        }
        const dimension = slot.dimension === undefined ? undefined : { name: slot.dimension.name, operator: slot.dimension.operator };
        switch (slot.spec.aggregation) {
          case 'per-connect': {
            if (typeof dp.value !== 'string') break;
            const value = [dp.value];
            if (slot.export) this.exports.add(profile.profile.name, { name: slot.metric, thing: state.name, value: { cidrs: value }, version: 1, timestamp: time, ...(dimension === undefined ? {} : { dimension }) });
            if (slot.retain) this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: dimension?.name, dimensionOperator: dimension?.operator, time: time, value: { cidrs: value } });
            if (slot.criterion !== undefined) this.evaluate(state, slot, value, time);
            break;
          }
          case 'duration': {
            if (typeof dp.value !== 'number') break;
            if (slot.export) this.exports.add(profile.profile.name, { name: slot.metric, thing: state.name, value: { count: dp.value }, version: 1, timestamp: time });
            if (slot.retain) this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: undefined, dimensionOperator: undefined, time: time, value: { count: dp.value } });
            if (slot.criterion !== undefined) this.evaluate(state, slot, dp.value, time);
            break;
          }
          default: {
            if (typeof dp.value !== 'number') break;
            const perMessage = slot.spec.aggregation === 'per-message';
            if (slot.export) this.exports.addCount(profile.profile.name, state.name, slot.metric, dimension, dp.value, perMessage);
            if (perMessage && slot.durationMs === undefined) {
              if (slot.retain) this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: dimension?.name, dimensionOperator: dimension?.operator, time: time, value: { count: dp.value } });
              if (slot.criterion !== undefined) this.evaluate(state, slot, dp.value, time);
              break;
            }
            this.count(state, slot, dp.value, time);
          }
        }
      }
    }
    this.o.telemetry.count('detect_datapoints', { source: 'cloud' });
  }

  /** Cloud counters: bucket into fixed windows aligned to the epoch; a closed window is one datapoint. */
  private count(state: ThingState, slot: Slot, value: number, time: number): void {
    const windowMs = slot.durationMs ?? DEFAULT_COUNTER_WINDOW_MS;
    const windowStart = Math.floor(time / windowMs) * windowMs;
    let counter = state.counters.get(slot);
    if (counter !== undefined && counter.windowStart < windowStart) {
      this.closeWindow(state, slot, counter);
      counter = undefined;
    }
    if (counter === undefined) {
      counter = { windowStart, windowMs, sum: 0 };
      state.counters.set(slot, counter);
    }
    counter.sum += value;
  }

  private closeWindows(state: ThingState, now: number): void {
    for (const [slot, counter] of state.counters) {
      if (counter.windowStart + counter.windowMs > now) continue;
      const busy = this.closeWindow(state, slot, counter);
      // A quiet window still counts (0) while it matters: after activity, or while an alarm is pending (docs/detect.md).
      if (busy) state.counters.set(slot, { windowStart: Math.floor(now / counter.windowMs) * counter.windowMs, windowMs: counter.windowMs, sum: 0 });
      else state.counters.delete(slot);
    }
  }

  /** Emits the window's datapoint; true when the next (possibly empty) window should count too. */
  private closeWindow(state: ThingState, slot: Slot, counter: Counter): boolean {
    const time = counter.windowStart + counter.windowMs;
    if (slot.retain) this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: slot.dimension?.name, dimensionOperator: slot.dimension?.operator, time, value: { count: counter.sum } });
    let alarm: AlarmState | undefined;
    if (slot.criterion !== undefined) alarm = this.evaluate(state, slot, counter.sum, time);
    state.counters.delete(slot);
    return counter.sum > 0 || (alarm !== undefined && (alarm.violationId !== undefined || alarm.violating > 0));
  }

  private evaluate(state: ThingState, slot: Slot, value: DatapointValue, time: number): AlarmState | undefined {
    let threshold = slot.threshold;
    if (slot.fleet !== undefined) {
      slot.fleet.update(state.name, value as number, time);
      const fleet = slot.fleet.threshold(time);
      if (fleet === undefined) return undefined;
      threshold = fleet;
    }
    let compliant: boolean;
    const level = slot.behavior?.criteria?.mlDetectionConfig?.confidenceLevel;
    if (level !== undefined) {
      const violates = typeof value === 'number' ? this.o.ml?.violates(slot.profileName, slot.key, slot.metric, level, state.name, value, time, (state.slotAlarms.get(slot) ?? state.alarms.get(alarmKey(slot.profileName, slot.key, slot.dimensionKey)))?.violationId !== undefined) : undefined;
      if (violates === undefined) return undefined;
      compliant = !violates;
    } else compliant = (slot.criterion as NonNullable<Slot['criterion']>)(value, threshold);
    let alarm = state.slotAlarms.get(slot);
    if (alarm === undefined) {
      const key = alarmKey(slot.profileName, slot.key, slot.dimensionKey);
      alarm = state.alarms.get(key);
      if (alarm === undefined) {
        alarm = newAlarm();
        state.alarms.set(key, alarm);
      }
      state.slotAlarms.set(slot, alarm);
    }
    const metricValue = toMetricValue(value, slot.spec.kind);
    const event = stepAlarm(alarm, !compliant, metricValue, time, slot.toAlarm, slot.toClear);
    if (event !== undefined) {
      const behavior = slot.behavior as NonNullable<Slot['behavior']>;
      const violation = this.violationOf(state.name, slot, alarm, event === 'alarm-cleared' ? time : undefined);
      if (event === 'alarm-cleared') alarm.violationId = undefined;
      this.o.recorder.record({ violation, event: newEvent(violation, behavior, event, metricValue, time), alertTarget: this.compiled.get(slot.profileName)?.alertTarget });
    }
    return alarm;
  }

  private violationOf(thingName: string, slot: Slot, alarm: AlarmState, endTime: number | undefined): Violation {
    return {
      violationId: alarm.violationId as string,
      thingName,
      profileName: slot.profileName,
      behavior: slot.behavior as NonNullable<Slot['behavior']>,
      criteriaType: slot.criteriaType,
      suppressed: slot.behavior?.suppressAlerts === true,
      startTime: alarm.startTime,
      lastValue: alarm.lastValue,
      lastTime: alarm.lastTime,
      verificationState: undefined,
      verificationDescription: undefined,
      endTime,
    };
  }

  private async restoreAlarms(): Promise<void> {
    for (const record of await this.o.violations.loadAlarms()) {
      let state = this.things.get(record.thingName);
      if (state === undefined) {
        state = this.thing(record.thingName);
        state.lastSeen = record.lastDatapointTime;
      } else if (record.lastDatapointTime > state.lastSeen) state.lastSeen = record.lastDatapointTime;
      const alarm = newAlarm();
      alarm.violating = record.violating;
      alarm.compliant = record.compliant;
      alarm.lastDatapointTime = record.lastDatapointTime;
      alarm.dirty = false;
      if (record.violationId !== undefined) {
        const violation = await this.o.violations.getViolation(record.violationId);
        if (violation !== undefined && violation.endTime === undefined) {
          alarm.violationId = violation.violationId;
          alarm.startTime = violation.startTime;
          alarm.lastValue = violation.lastValue;
          alarm.lastTime = violation.lastTime;
        }
      }
      state.alarms.set(alarmKey(record.profileName, record.behaviorName, record.dimension), alarm);
    }
    await this.idle();
  }
}

function keyParts(thingName: string, key: string): { thingName: string; profileName: string; behaviorName: string; dimension: string } {
  const [profileName, behaviorName, dimension] = key.split('\u0000') as [string, string, string];
  return { thingName, profileName, behaviorName, dimension };
}

function kindOfCustom(type: string): string {
  return type === 'number' ? 'number' : type === 'number-list' ? 'numbers' : type === 'string-list' ? 'strings' : 'cidrs';
}

async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: readonly T[]; next: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = await page(cursor);
    out.push(...p.items);
    if (p.next === undefined) return out;
    cursor = p.next;
  }
}
