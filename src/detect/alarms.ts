import { newId } from '../core/index.js';
import type { MetricValue, ViolationEventType } from '../model/index.js';

/** The alarm of one (thing, profile, behavior, dimension): §3.4's state machine with its counters. */
export interface AlarmState {
  violating: number;
  compliant: number;
  violationId: string | undefined;
  startTime: number;
  lastValue: MetricValue | undefined;
  lastTime: number;
  lastDatapointTime: number;
  /** Counters changed since the last flush to the store. */
  dirty: boolean;
  /** The active violation's last value changed since the last flush. */
  violationDirty: boolean;
}

export function newAlarm(): AlarmState {
  return { violating: 0, compliant: 0, violationId: undefined, startTime: 0, lastValue: undefined, lastTime: 0, lastDatapointTime: 0, dirty: true, violationDirty: false };
}

/**
 * One datapoint: `toAlarm` consecutive violating datapoints raise the alarm (a new violation id),
 * `toClear` consecutive compliant ones clear it. Returns the event to emit, if any.
 */
export function stepAlarm(alarm: AlarmState, violating: boolean, value: MetricValue, time: number, toAlarm: number, toClear: number): Exclude<ViolationEventType, 'alarm-invalidated'> | undefined {
  alarm.lastDatapointTime = time;
  alarm.dirty = true;
  if (violating) {
    alarm.violating += 1;
    alarm.compliant = 0;
    if (alarm.violationId !== undefined) {
      alarm.lastValue = value;
      alarm.lastTime = time;
      alarm.violationDirty = true;
      return undefined;
    }
    if (alarm.violating >= toAlarm) {
      alarm.violationId = newId();
      alarm.startTime = time;
      alarm.lastValue = value;
      alarm.lastTime = time;
      return 'in-alarm';
    }
    return undefined;
  }
  alarm.compliant += 1;
  alarm.violating = 0;
  if (alarm.violationId !== undefined && alarm.compliant >= toClear) return 'alarm-cleared';
  return undefined;
}
