import type { AlarmRecord, Violation, ViolationStore } from '../model/index.js';
import { newAlarm, type AlarmState } from './alarms.js';
import type { CompiledProfile } from './compile.js';
import { violationOf } from './thing-evaluator.js';
import { alarmKey, alarmKeyParts, type ThingState } from './thing-state.js';

/**
 * Store records of the alarms changed since the last call (marking them clean); each open violation
 * whose last value changed meanwhile goes to `update`.
 */
export function dirtyAlarmRecords(things: Iterable<ThingState>, compiled: ReadonlyMap<string, CompiledProfile>, update: (violation: Violation) => void): AlarmRecord[] {
  const records: AlarmRecord[] = [];
  for (const state of things) {
    for (const [key, alarm] of state.alarms) {
      if (!alarm.dirty) continue;
      alarm.dirty = false;
      const parts = alarmKeyParts(state.name, key);
      records.push({ ...parts, violating: alarm.violating, compliant: alarm.compliant, violationId: alarm.violationId, lastDatapointTime: alarm.lastDatapointTime });
      if (alarm.violationDirty && alarm.violationId !== undefined) {
        alarm.violationDirty = false;
        const slot = compiled.get(parts.profileName)?.slots.find((s) => s.key === parts.behaviorName);
        if (slot?.behavior !== undefined) update(violationOf(state.name, slot, alarm, undefined));
      }
    }
  }
  return records;
}

/**
 * Puts the saved alarms back on their things (`thing` creates a thing not yet in `things`), each with
 * the violation it was tracking if that is still open.
 */
export async function restoreAlarms(violations: Pick<ViolationStore, 'loadAlarms' | 'getViolation'>, things: ReadonlyMap<string, ThingState>, thing: (name: string) => ThingState, owned: (thingName: string) => boolean): Promise<void> {
  for (const record of await violations.loadAlarms()) {
    if (!owned(record.thingName)) continue;
    let state = things.get(record.thingName);
    if (state === undefined) {
      state = thing(record.thingName);
      state.lastSeen = record.lastDatapointTime;
    } else if (record.lastDatapointTime > state.lastSeen) state.lastSeen = record.lastDatapointTime;
    const alarm = await restoredAlarm(violations, record);
    state.alarms.set(alarmKey(record.profileName, record.behaviorName, record.dimension), alarm);
  }
}

/**
 * Open violations whose alarm record does not name them (their owner died after recording the
 * violation, before its next flush of alarm counters) are put on their alarm, so the new owner
 * continues them instead of raising them again.
 */
export function attachOpenViolations(open: readonly Violation[], thing: (name: string) => ThingState, things: ReadonlyMap<string, ThingState>): void {
  for (const violation of open) {
    const dimension = violation.behavior.metricDimension;
    const key = alarmKey(violation.profileName, violation.behavior.name, dimension === undefined ? '' : `${dimension.dimensionName}:${dimension.operator ?? 'IN'}`);
    const state = things.get(violation.thingName) ?? thing(violation.thingName);
    let alarm = state.alarms.get(key);
    if (alarm?.violationId !== undefined) continue;
    if (alarm === undefined) {
      alarm = newAlarm();
      state.alarms.set(key, alarm);
    }
    alarm.violationId = violation.violationId;
    alarm.violating = Math.max(alarm.violating, violation.behavior.criteria?.consecutiveDatapointsToAlarm ?? 1);
    alarm.compliant = 0;
    alarm.startTime = violation.startTime;
    alarm.lastValue = violation.lastValue;
    alarm.lastTime = violation.lastTime;
    alarm.lastDatapointTime = Math.max(alarm.lastDatapointTime, violation.lastTime);
  }
}

async function restoredAlarm(violations: Pick<ViolationStore, 'getViolation'>, record: AlarmRecord): Promise<AlarmState> {
  const alarm = newAlarm();
  alarm.violating = record.violating;
  alarm.compliant = record.compliant;
  alarm.lastDatapointTime = record.lastDatapointTime;
  alarm.dirty = false;
  if (record.violationId !== undefined) {
    const violation = await violations.getViolation(record.violationId);
    if (violation !== undefined && violation.endTime === undefined) {
      alarm.violationId = violation.violationId;
      alarm.startTime = violation.startTime;
      alarm.lastValue = violation.lastValue;
      alarm.lastTime = violation.lastTime;
    }
  }
  return alarm;
}
