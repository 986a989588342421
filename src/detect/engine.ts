import { pages, type Clock, type Timer, type TimerHandle } from '../core/index.js';
import type { CloudDatapoint, ConnectionHistoryStore, DeviceDatapoint, Dimension, ExportJournal, FleetValue, MetricDatum, MqttPublisher, ProfileStore, RegistryEvents, PartitionedDetect, ThingDirectory, Violation, ViolationStore } from '../model/index.js';
import type { MetricReport } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { attachOpenViolations, dirtyAlarmRecords, restoreAlarms } from './alarm-records.js';
import type { AlarmState } from './alarms.js';
import { compileProfile, DEFAULT_COUNTER_WINDOW_MS, type CompiledProfile } from './compile.js';
import { MAX_WINDOW_MS } from './datapoints.js';
import type { DetectConfig } from './config.js';
import { MetricsExporter } from './exporter.js';
import type { MlJudge } from './ml/trainer.js';
import { newEvent, ViolationRecorder } from './recorder.js';
import { TargetIndex } from './targets.js';
import { ThingEvaluator } from './thing-evaluator.js';
import { alarmKey, alarmKeyParts, newThingState, type ThingState } from './thing-state.js';

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
  /** Models of ML behaviors; absent = ML behaviors never alarm. */
  readonly ml?: MlJudge | undefined;
  /** Retained values in `[from, to)`, oldest first: the state a restart would lose is rebuilt from them. */
  readonly recent?: ((from: number, to: number) => Promise<readonly MetricDatum[]>) | undefined;
  /** Things offline at start (connection history): their disconnect-duration continues after a restart. */
  readonly disconnects?: Pick<ConnectionHistoryStore, 'lastDisconnects'> | undefined;
  /** Cluster mode: the things whose state this node owns (their datapoints are routed here); absent = every thing. */
  readonly owns?: ((thingName: string) => boolean) | undefined;
  /** Cluster mode: each value this node adds to a fleet population, for the other owners. */
  readonly fleetOut?: ((value: FleetValue) => void) | undefined;
  /** Makes each report's exported metrics durable before it is answered; absent = kept in memory only. */
  readonly journal?: ExportJournal | undefined;
}

const everyThing = (): boolean => true;

/**
 * The Detect evaluation engine: every datapoint of every targeted thing is evaluated against every
 * behavior of the thing's profiles, alarms step through §3.4, violation events go to the recorder,
 * retained values to the history, exported values to the export buffer.
 */
export class DetectEngine implements PartitionedDetect<MetricReport> {
  private compiled = new Map<string, CompiledProfile>();
  private targets = new TargetIndex();
  private version = 0;
  private readonly things = new Map<string, ThingState>();
  private readonly exporter: MetricsExporter;
  private readonly evaluator: ThingEvaluator;
  private timers: TimerHandle[] = [];
  private unsubscribe: (() => void) | undefined;
  private lastExpiry = 0;
  /** When the next disconnect-duration sweep is due (a window boundary); 0 before the first tick. */
  private nextOfflineSweep = 0;
  /** Things whose offline state is still to be read from the connection history (at start: every thing this node owns). */
  private offlinePending: Array<(thingName: string) => boolean> = [];
  private readonly pendingLoads = new Set<Promise<void>>();
  /** Stored profiles that failed to compile at the last reload, with why (not evaluated). */
  invalidProfiles: ReadonlyMap<string, string> = new Map();
  private readonly owns: (thingName: string) => boolean;

  constructor(private readonly o: DetectEngineOptions) {
    this.targets = new TargetIndex();
    this.owns = o.owns ?? everyThing;
    if (o.disconnects !== undefined) this.offlinePending.push(this.owns);
    this.exporter = new MetricsExporter({ journal: o.journal, publisher: o.publisher, clock: o.clock, telemetry: o.telemetry, maxPayloadBytes: o.config.max_export_payload_bytes, topicOf: (profileName) => this.compiled.get(profileName)?.exportTopic });
    this.evaluator = new ThingEvaluator({ recorder: o.recorder, exports: this.exporter.buffer, telemetry: o.telemetry, ml: o.ml, alertTarget: (profileName) => this.compiled.get(profileName)?.alertTarget, fleetOut: o.fleetOut });
  }

  async start(): Promise<void> {
    this.exporter.replayJournal();
    await this.reload();
    await restoreAlarms(this.o.violations, this.things, (name) => this.thing(name), this.owns);
    await this.idle();
    await this.rebuild(this.owns);
    this.unsubscribe = this.o.registryEvents?.subscribe((change) => {
      if (change.kind === 'membership' || change.kind === 'thing' || change.kind === 'resync') {
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
    const [profiles, targets, customMetrics, dimensions] = await Promise.all([this.o.profiles.listProfiles(), this.o.profiles.listTargets(), pages((c) => this.o.profiles.listCustomMetrics({ limit: 250, cursor: c })), pages((c) => this.o.profiles.listDimensions({ limit: 250, cursor: c }))]);
    const context = { customMetrics: new Map(customMetrics.map((m) => [m.name, m.metricType] as const)), dimensions: new Set(dimensions.map((d) => d.name)), dimensionValues: new Map<string, Dimension>(dimensions.map((d) => [d.name, d])) };
    const next = new Map<string, CompiledProfile>();
    const invalid = new Map<string, string>();
    for (const profile of profiles) {
      // A stored profile that no longer compiles (a row from another version, hand-edited) is left
      // out of evaluation and reported; it cannot stop the start or the other profiles.
      try {
        if (!Array.isArray(profile.behaviors)) throw new Error(`the stored behaviors are not a list (${String(profile.behaviors).slice(0, 60)})`);
        next.set(profile.name, compileProfile(profile, context, this.compiled.get(profile.name)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        invalid.set(profile.name, message);
        if (!this.invalidProfiles.has(profile.name)) this.o.telemetry.emit('unit_disabled', { component: 'detect', reason: 'invalid' }, { profile: profile.name, message, hint: 'replace it with UpdateSecurityProfile or delete it' });
      }
    }
    this.invalidProfiles = invalid;
    for (const name of this.compiled.keys()) if (!next.has(name)) this.exporter.buffer.forget(name);
    this.compiled = next;
    this.targets = new TargetIndex(targets, next);
    this.version += 1;
    const now = this.o.clock.now();
    for (const state of this.things.values()) if (state.loaded) this.resolveProfiles(state, now);
  }

  /** DatapointSink: one accepted report from the broker; resolves once its exported metrics are journaled. */
  device(datapoint: DeviceDatapoint<MetricReport>): Promise<void> | undefined {
    this.ingestReport(datapoint.thingName, datapoint.timestamp, datapoint.report);
    return this.exporter.journalFresh();
  }

  /** DatapointSink: one cloud-side datapoint from the broker. */
  cloud(datapoint: CloudDatapoint): void {
    this.ingestCloud(datapoint);
    this.exporter.journalFresh()?.catch((error: unknown) => this.o.telemetry.emit('component_error', { component: 'detect', code: 'detect.store_failed', stage: 'journal' }, { err: error instanceof Error ? error.message : String(error) }));
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
    if (datapoint.registered) {
      // The broker reports a disconnect as num-disconnects, a connection set up as its source IP
      // and (after an earlier disconnect) its disconnect-duration.
      if (datapoint.metric === 'aws:num-disconnects') state.offlineSince = datapoint.timestamp;
      else if (datapoint.metric === 'aws:source-ip-address' || datapoint.metric === 'aws:disconnect-duration') state.offlineSince = null;
    }
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

  /** Closes due counter windows, scores overdue reports of ML behaviors, invalidates silent things, flushes alarms and retained values. */
  async tick(): Promise<void> {
    const now = this.o.clock.now();
    await this.restoreOffline();
    if (now >= this.nextOfflineSweep) {
      if (this.nextOfflineSweep !== 0) this.sweepOffline(now);
      this.nextOfflineSweep = (Math.floor(now / DEFAULT_COUNTER_WINDOW_MS) + 1) * DEFAULT_COUNTER_WINDOW_MS;
    }
    const strays: string[] = [];
    for (const state of this.things.values()) {
      if (!this.owns(state.name)) {
        strays.push(state.name);
        continue;
      }
      if (state.counters.size > 0) this.evaluator.closeWindows(state, now);
      if (state.loaded) this.evaluator.checkSilence(state, now);
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
    // Cluster mode: state of things another node owns (routed here while the nodes disagreed on
    // membership) is dropped once its counters are saved; their owner reads them.
    for (const name of strays) if (!this.owns(name)) this.things.delete(name);
  }

  /** Publishes each profile's pending export items (docs/detect.md, "Export durability"). */
  exportNow(): Promise<number> {
    return this.exporter.exportNow();
  }

  /** Writes dirty alarm counters, changed violations and buffered retained values. */
  async flush(): Promise<void> {
    const records = dirtyAlarmRecords(this.things.values(), this.compiled, (violation) => this.o.recorder.update(violation));
    if (records.length > 0) this.o.recorder.enqueue(() => this.o.violations.saveAlarms(records));
    const retained = this.evaluator.takeRetained();
    if (retained.length > 0 && this.o.retain !== undefined) {
      const retain = this.o.retain;
      this.o.recorder.enqueue(() => retain(retained));
    }
    await this.idle();
  }

  /**
   * After a restart: the last hour of retained values (the longest `durationSeconds` and fleet
   * window) gives back each thing's network samples and each statistical behavior's fleet
   * population, so verdicts do not change because the process restarted (docs/detect.md).
   */
  private async rebuild(filter: (thingName: string) => boolean): Promise<void> {
    const recent = this.o.recent;
    if (recent === undefined) return;
    const now = this.o.clock.now();
    let data: readonly MetricDatum[];
    try {
      data = await recent(now - MAX_WINDOW_MS, now + 1);
    } catch (error) {
      this.o.telemetry.emit('component_error', { component: 'detect', code: 'detect.store_failed', stage: 'rebuild' }, { err: error instanceof Error ? error.message : String(error) });
      return;
    }
    data = data.filter((datum) => filter(datum.thingName));
    for (const datum of data) this.thing(datum.thingName);
    await this.idle();
    for (const datum of data) {
      const state = this.things.get(datum.thingName);
      if (state === undefined || !state.loaded) continue;
      if (state.profilesVersion !== this.version) this.resolveProfiles(state, now);
      this.evaluator.replay(state, datum);
    }
  }

  /**
   * One sweep per window: each registered thing still offline and watched by a disconnect-duration
   * behavior gets a datapoint of the seconds since it disconnected (docs/detect.md). The broker's
   * own datapoint at reconnect ends the series.
   */
  private sweepOffline(now: number): void {
    for (const state of this.things.values()) {
      const since = state.offlineSince;
      if (since === null || since === undefined || !state.loaded || !this.owns(state.name)) continue;
      if (state.profilesVersion !== this.version) this.resolveProfiles(state, now);
      if (!state.profiles.some((p) => p.cloudSlots.has('aws:disconnect-duration'))) continue;
      this.evaluator.cloud(state, { metric: 'aws:disconnect-duration', thingName: state.name, registered: true, timestamp: now, value: Math.max(0, Math.round((now - since) / 1000)) });
    }
  }

  /**
   * After a restart, things whose last connection ended (connection history) are offline since
   * then, unless the broker has reported them connected since this process started. Done at the
   * first tick, after the broker has closed the connections a crash left open.
   */
  private async restoreOffline(): Promise<void> {
    if (this.offlinePending.length === 0 || this.o.disconnects === undefined) return;
    const filters = this.offlinePending;
    this.offlinePending = [];
    let offline: Awaited<ReturnType<ConnectionHistoryStore['lastDisconnects']>>;
    try {
      offline = await this.o.disconnects.lastDisconnects();
    } catch (error) {
      this.o.telemetry.emit('component_error', { component: 'detect', code: 'detect.store_failed', stage: 'disconnects' }, { err: error instanceof Error ? error.message : String(error) });
      return;
    }
    for (const { thingName, disconnectedAt } of offline) {
      if (!this.owns(thingName) || !filters.some((f) => f(thingName))) continue;
      const known = this.things.get(thingName);
      if (known !== undefined && known.offlineSince !== undefined) continue;
      this.thing(thingName).offlineSince ??= disconnectedAt;
    }
    await this.idle();
  }

  /**
   * Cluster mode, a partition moved here: the state of its things is read again from the shared
   * store (alarm counters, open violations: the previous owner's, not a stale copy) and rebuilt from
   * this node's retained values, so an active alarm stays active and is not raised again.
   */
  async adopt(owned: (thingName: string) => boolean): Promise<void> {
    await this.idle();
    for (const name of [...this.things.keys()]) if (owned(name)) this.things.delete(name);
    try {
      await restoreAlarms(this.o.violations, this.things, (name) => this.thing(name), owned);
      const open = await pages((cursor) => this.o.violations.listActive({ limit: 250, cursor }));
      attachOpenViolations(open.filter((v) => owned(v.thingName)), (name) => this.thing(name), this.things);
    } catch (error) {
      this.o.telemetry.emit('component_error', { component: 'detect', code: 'detect.store_failed', stage: 'adopt' }, { err: error instanceof Error ? error.message : String(error) });
    }
    await this.idle();
    await this.rebuild(owned);
    // Their disconnect-duration series continue from the connection history at the next tick.
    if (this.o.disconnects !== undefined) this.offlinePending.push(owned);
  }

  /** Cluster mode, a partition moved away: alarm counters are saved for the new owner, then the things are dropped here (nothing is invalidated). */
  async release(lost: (thingName: string) => boolean): Promise<void> {
    await this.flush();
    for (const name of [...this.things.keys()]) if (lost(name)) this.things.delete(name);
  }

  /** Cluster mode: values the other owners added to their fleet populations. */
  fleetIn(values: readonly FleetValue[]): void {
    for (const v of values) {
      const slot = this.compiled.get(v.profile)?.slots.find((s) => s.key === v.behavior && s.dimensionKey === v.dimension);
      slot?.fleet?.update(v.thing, v.value, v.time);
    }
  }

  /** Things with state in memory (for the benchmark's memory figure). */
  get thingCount(): number {
    return this.things.size;
  }

  private thing(name: string): ThingState {
    let state = this.things.get(name);
    if (state !== undefined) return state;
    state = newThingState(name, this.o.clock.now());
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
    // Samples are kept only as long as a behavior sums over them: a thing reporting every second
    // would otherwise hold an hour of them whether or not anything reads them.
    state.netWindowMs = Math.min(MAX_WINDOW_MS, Math.max(0, ...state.profiles.map((p) => p.netWindowMs)));
    if (state.netWindowMs === 0) state.net = [];
    state.slotAlarms = new Map();
    const live = new Set<string>();
    for (const p of state.profiles) for (const s of p.slots) if (s.behavior !== undefined) live.add(alarmKey(p.profile.name, s.key, s.dimensionKey));
    for (const [key, alarm] of state.alarms) {
      if (live.has(key)) continue;
      state.alarms.delete(key);
      this.o.recorder.enqueue(() => this.o.violations.deleteAlarms([alarmKeyParts(state.name, key)]));
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
    const keys = [...state.alarms.keys()].map((k) => alarmKeyParts(state.name, k));
    if (keys.length > 0) this.o.recorder.enqueue(() => this.o.violations.deleteAlarms(keys));
    for (const p of state.profiles) for (const s of p.slots) s.fleet?.remove(state.name);
    this.o.ml?.forget(state.name);
    this.things.delete(state.name);
  }

  private evaluateReport(state: ThingState, time: number, report: MetricReport): void {
    if (state.profilesVersion !== this.version) this.resolveProfiles(state, time);
    this.evaluator.report(state, time, report);
  }

  private evaluateCloud(state: ThingState, dp: CloudDatapoint): void {
    if (state.profilesVersion !== this.version) this.resolveProfiles(state, dp.timestamp);
    this.evaluator.cloud(state, dp);
  }
}
