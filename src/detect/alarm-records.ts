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
export async function restoreAlarms(violations: Pick<ViolationStore, 'loadAlarms' | 'getViolation'>, things: ReadonlyMap<string, ThingState>, thing: (name: string) => ThingState): Promise<void> {
  for (const record of await violations.loadAlarms()) {
    let state = things.get(record.thingName);
    if (state === undefined) {
      state = thing(record.thingName);
      state.lastSeen = record.lastDatapointTime;
    } else if (record.lastDatapointTime > state.lastSeen) state.lastSeen = record.lastDatapointTime;
    const alarm = await restoredAlarm(violations, record);
    state.alarms.set(alarmKey(record.profileName, record.behaviorName, record.dimension), alarm);
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
