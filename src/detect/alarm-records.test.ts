import { describe, expect, it } from 'vitest';
import type { Violation } from '../model/index.js';
import { attachOpenViolations } from './alarm-records.js';
import { stepAlarm } from './alarms.js';
import { alarmKey, newThingState, type ThingState } from './thing-state.js';

function violation(id: string, thingName: string, behavior: Violation['behavior']): Violation {
  return { violationId: id, thingName, profileName: 'ports', behavior, criteriaType: 'STATIC', suppressed: false, startTime: 1000, lastValue: { count: 5 }, lastTime: 2000, verificationState: undefined, verificationDescription: undefined, endTime: undefined };
}

describe('attachOpenViolations (a partition moving to a new owner)', () => {
  it('puts an open violation the dead owner had not saved on its alarm, so the next violating datapoint raises nothing', () => {
    const things = new Map<string, ThingState>();
    const thing = (name: string) => {
      const state = newThingState(name, 0);
      things.set(name, state);
      return state;
    };
    const behavior = { name: 'many-ports', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals' as const, value: { count: 3 }, consecutiveDatapointsToAlarm: 2 } };
    attachOpenViolations([violation('v1', 'gw-1', behavior), violation('v2', 'gw-2', { ...behavior, metricDimension: { dimensionName: 'topics', operator: 'NOT_IN' } })], thing, things);
    const alarm = things.get('gw-1')?.alarms.get(alarmKey('ports', 'many-ports', ''));
    expect(alarm).toMatchObject({ violationId: 'v1', violating: 2, startTime: 1000, lastTime: 2000 });
    expect(things.get('gw-2')?.alarms.has(alarmKey('ports', 'many-ports', 'topics:NOT_IN'))).toBe(true);
    expect(stepAlarm(alarm!, true, { count: 6 }, 3000, 2, 1)).toBeUndefined();
    expect(alarm!.violationId).toBe('v1');
  });

  it('leaves an alarm that already tracks a violation as it is', () => {
    const state = newThingState('gw-1', 0);
    const things = new Map([['gw-1', state]]);
    state.alarms.set(alarmKey('ports', 'many-ports', ''), { violating: 4, compliant: 0, violationId: 'saved', startTime: 5, lastValue: undefined, lastTime: 5, lastDatapointTime: 5, dirty: false, violationDirty: false });
    attachOpenViolations([violation('other', 'gw-1', { name: 'many-ports', metric: 'aws:num-listening-tcp-ports' })], () => state, things);
    expect(state.alarms.get(alarmKey('ports', 'many-ports', ''))?.violationId).toBe('saved');
  });
});
