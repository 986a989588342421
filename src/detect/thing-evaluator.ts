import type { CloudDatapoint, FleetValue, MetricDatum, Violation } from '../model/index.js';
import type { MetricReport } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { newAlarm, stepAlarm, type AlarmState } from './alarms.js';
import { DEFAULT_COUNTER_WINDOW_MS, type Slot } from './compile.js';
import { toMetricValue, topicMatches, type DatapointValue } from './criteria.js';
import { deltaField, deviceValue, netSample, type NetSample } from './datapoints.js';
import type { ExportBuffer } from './export.js';
import type { MlJudge } from './ml/trainer.js';
import { newEvent, type ViolationRecorder } from './recorder.js';
import { alarmKey, type Counter, type ThingState } from './thing-state.js';

export interface ThingEvaluatorOptions {
  readonly recorder: ViolationRecorder;
  readonly exports: ExportBuffer;
  readonly telemetry: Telemetry;
  /** Models of ML behaviors; absent = ML behaviors never alarm. */
  readonly ml: MlJudge | undefined;
  /** The alert target of a profile as currently compiled. */
  readonly alertTarget: (profileName: string) => string | undefined;
  /** Cluster mode: each value added to a fleet population, for the other owners. */
  readonly fleetOut?: ((value: FleetValue) => void) | undefined;
}

/**
 * Evaluates one thing's datapoints against the slots of its (already resolved) profiles: values
 * go to the retained buffer and the export buffer, criteria step the slot's alarm, and alarm
 * events go to the recorder.
 */
export class ThingEvaluator {
  private retained: MetricDatum[] = [];

  constructor(private readonly o: ThingEvaluatorOptions) {}

  /** Retained values buffered since the last call. */
  takeRetained(): MetricDatum[] {
    const retained = this.retained;
    this.retained = [];
    return retained;
  }

  /** Device-side datapoints of one accepted report. */
  report(state: ThingState, time: number, report: MetricReport): void {
    state.lastSeen = time;
    const sample = netSample(report, time);
    if (sample !== undefined && state.netWindowMs > 0) {
      state.net.push(sample);
      while (state.net.length > 0 && (state.net[0] as NetSample).time <= time - state.netWindowMs) state.net.shift();
    }
    let evaluated = 0;
    let retainedKeys: Set<string> | undefined;
    let peer: ((metric: string) => number | undefined) | undefined;
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
        if (slot.export) this.o.exports.add(profile.profile.name, { name: slot.metric, thing: state.name, value: toMetricValue(raw, slot.spec.kind), version: 1, timestamp: time });
        if (slot.criterion !== undefined) {
          // ML behaviors also see the report's other metrics (relations such as bytes per packet).
          if (slot.criteriaType === 'MACHINE_LEARNING') peer ??= (metric) => numberOf(deviceValue(metric, report, state.net, time, undefined));
          this.evaluate(state, slot, value, time, slot.criteriaType === 'MACHINE_LEARNING' ? peer : undefined);
          evaluated += 1;
        }
      }
    }
    if (evaluated > 0) this.o.telemetry.count('detect_datapoints', { source: 'device' }, evaluated);
  }

  /** One cloud-side datapoint. */
  cloud(state: ThingState, dp: CloudDatapoint): void {
    const time = dp.timestamp;
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
            if (slot.export) this.o.exports.add(profile.profile.name, { name: slot.metric, thing: state.name, value: { cidrs: value }, version: 1, timestamp: time, ...(dimension === undefined ? {} : { dimension }) });
            if (slot.retain) this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: dimension?.name, dimensionOperator: dimension?.operator, time: time, value: { cidrs: value } });
            if (slot.criterion !== undefined) this.evaluate(state, slot, value, time);
            break;
          }
          case 'duration': {
            if (typeof dp.value !== 'number') break;
            if (slot.export) this.o.exports.add(profile.profile.name, { name: slot.metric, thing: state.name, value: { count: dp.value }, version: 1, timestamp: time });
            if (slot.retain) this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: undefined, dimensionOperator: undefined, time: time, value: { count: dp.value } });
            if (slot.criterion !== undefined) this.evaluate(state, slot, dp.value, time);
            break;
          }
          default: {
            if (typeof dp.value !== 'number') break;
            const perMessage = slot.spec.aggregation === 'per-message';
            if (slot.export) this.o.exports.addCount(profile.profile.name, state.name, slot.metric, dimension, dp.value, perMessage);
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

  /**
   * ML behaviors of a thing whose report is overdue: each newly missing report is scored as a
   * silence (docs/ml.md) and a violating one steps the alarm as a datapoint of value 0; a missing
   * report that does not violate leaves the alarm as it is (it is not a compliant datapoint).
   */
  checkSilence(state: ThingState, now: number): void {
    const ml = this.o.ml;
    if (ml === undefined) return;
    for (const profile of state.profiles) {
      for (const slot of profile.mlSlots) {
        const level = slot.behavior?.criteria?.mlDetectionConfig?.confidenceLevel;
        if (level === undefined) continue;
        const alarm = state.slotAlarms.get(slot) ?? state.alarms.get(alarmKey(slot.profileName, slot.key, slot.dimensionKey));
        if (ml.overdue(slot.profileName, slot.key, level, state.name, now, alarm?.violationId !== undefined) === true) this.step(state, slot, false, 0, now);
      }
    }
  }

  /**
   * Rebuilds state from one retained value after a restart (oldest first): a delta metric's value
   * joins the thing's network samples (for `durationSeconds` sums), and statistical slots of the
   * metric take the value the thing had then into their fleet population. Alarms do not step and
   * nothing is retained or exported again.
   */
  replay(state: ThingState, datum: MetricDatum): void {
    const own = datum.value.count ?? datum.value.number;
    if (own === undefined) return;
    const field = datum.dimensionName === undefined ? deltaField(datum.metric) : undefined;
    if (field !== undefined && state.netWindowMs > 0) {
      const last = state.net[state.net.length - 1];
      if (last !== undefined && last.time === datum.time) state.net[state.net.length - 1] = { ...last, [field]: own };
      else state.net.push({ time: datum.time, bytesIn: undefined, bytesOut: undefined, packetsIn: undefined, packetsOut: undefined, [field]: own });
    }
    for (const profile of state.profiles) {
      for (const slot of profile.slots) {
        if (slot.fleet === undefined || slot.metric !== datum.metric || slot.dimension?.name !== datum.dimensionName) continue;
        let value = own;
        if (field !== undefined && slot.durationMs !== undefined) {
          value = 0;
          for (let i = state.net.length - 1; i >= 0; i--) {
            const sample = state.net[i] as NetSample;
            if (sample.time <= datum.time - slot.durationMs) break;
            value += sample[field] ?? 0;
          }
        }
        slot.fleet.update(state.name, value, datum.time);
      }
    }
  }

  /** Closes the thing's counter windows that ended by `now`. */
  closeWindows(state: ThingState, now: number): void {
    for (const [slot, counter] of state.counters) {
      if (counter.windowStart + counter.windowMs > now) continue;
      const busy = this.closeWindow(state, slot, counter);
      // A quiet window still counts (0) while it matters: after activity, or while an alarm is pending (docs/detect.md).
      if (busy) state.counters.set(slot, { windowStart: Math.floor(now / counter.windowMs) * counter.windowMs, windowMs: counter.windowMs, sum: 0 });
      else state.counters.delete(slot);
    }
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

  /** Emits the window's datapoint; true when the next (possibly empty) window should count too. */
  private closeWindow(state: ThingState, slot: Slot, counter: Counter): boolean {
    const time = counter.windowStart + counter.windowMs;
    if (slot.retain) this.retained.push({ thingName: state.name, metric: slot.metric, dimensionName: slot.dimension?.name, dimensionOperator: slot.dimension?.operator, time, value: { count: counter.sum } });
    let alarm: AlarmState | undefined;
    if (slot.criterion !== undefined) alarm = this.evaluate(state, slot, counter.sum, time);
    state.counters.delete(slot);
    return counter.sum > 0 || (alarm !== undefined && (alarm.violationId !== undefined || alarm.violating > 0));
  }

  private evaluate(state: ThingState, slot: Slot, value: DatapointValue, time: number, peer?: (metric: string) => number | undefined): AlarmState | undefined {
    let threshold = slot.threshold;
    if (slot.fleet !== undefined) {
      slot.fleet.update(state.name, value as number, time);
      this.o.fleetOut?.({ profile: slot.profileName, behavior: slot.key, dimension: slot.dimensionKey, thing: state.name, value: value as number, time });
      const fleet = slot.fleet.threshold(time, state.name);
      if (fleet === undefined) return undefined;
      threshold = fleet;
    }
    let alarm = state.slotAlarms.get(slot);
    if (alarm === undefined) {
      alarm = state.alarms.get(alarmKey(slot.profileName, slot.key, slot.dimensionKey));
      if (alarm !== undefined) state.slotAlarms.set(slot, alarm);
    }
    let compliant: boolean;
    const level = slot.behavior?.criteria?.mlDetectionConfig?.confidenceLevel;
    if (level !== undefined) {
      const violates = typeof value === 'number' ? this.o.ml?.violates(slot.profileName, slot.key, slot.metric, level, state.name, value, time, alarm?.violationId !== undefined, peer) : undefined;
      if (violates === undefined) return undefined;
      compliant = !violates;
    } else compliant = (slot.criterion as NonNullable<Slot['criterion']>)(value, threshold);
    return this.step(state, slot, compliant, value, time);
  }

  /** Steps the slot's alarm with one datapoint and records the event it raises, if any. */
  private step(state: ThingState, slot: Slot, compliant: boolean, value: DatapointValue, time: number): AlarmState {
    let alarm = state.slotAlarms.get(slot);
    if (alarm === undefined) {
      alarm = state.alarms.get(alarmKey(slot.profileName, slot.key, slot.dimensionKey));
      if (alarm !== undefined) state.slotAlarms.set(slot, alarm);
    }
    if (alarm === undefined) {
      alarm = newAlarm();
      state.alarms.set(alarmKey(slot.profileName, slot.key, slot.dimensionKey), alarm);
      state.slotAlarms.set(slot, alarm);
    }
    const metricValue = toMetricValue(value, slot.spec.kind);
    const event = stepAlarm(alarm, !compliant, metricValue, time, slot.toAlarm, slot.toClear);
    if (event !== undefined) {
      const behavior = slot.behavior as NonNullable<Slot['behavior']>;
      const violation = violationOf(state.name, slot, alarm, event === 'alarm-cleared' ? time : undefined);
      if (event === 'alarm-cleared') alarm.violationId = undefined;
      this.o.recorder.record({ violation, event: newEvent(violation, behavior, event, metricValue, time), alertTarget: this.o.alertTarget(slot.profileName) });
    }
    return alarm;
  }
}

/** The violation an alarm with a violation id stands for; `endTime` set when it has just cleared. */
export function violationOf(thingName: string, slot: Slot, alarm: AlarmState, endTime: number | undefined): Violation {
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

const numberOf = (v: DatapointValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

function kindOfCustom(type: string): string {
  return type === 'number' ? 'number' : type === 'number-list' ? 'numbers' : type === 'string-list' ? 'strings' : 'cidrs';
}
