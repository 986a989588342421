import { afterEach, describe, expect, it } from 'vitest';
import type { Violation, ViolationEvent } from '../../src/model/index.js';
import { detectViolationRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

const behavior = { name: 'tcp', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals' as const, value: { count: 3 } } };

function violation(id: string, thing: string, start: number, overrides: Partial<Violation> = {}): Violation {
  return { violationId: id, thingName: thing, profileName: 'p', behavior, criteriaType: 'STATIC', suppressed: false, startTime: start, lastValue: { count: 4 }, lastTime: start, verificationState: undefined, verificationDescription: undefined, endTime: undefined, ...overrides };
}

function event(v: Violation, type: ViolationEvent['eventType'], time: number): ViolationEvent {
  return { violationId: v.violationId, thingName: v.thingName, profileName: v.profileName, behavior: v.behavior, criteriaType: v.criteriaType, suppressed: v.suppressed, eventType: type, metricValue: { count: 4 }, time };
}

export function detectViolationConformance(open: OpenRegistry): void {
  describe('detect violation repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('records violations with events, lists active newest first with filters and pages, keeps verification across updates, expires', async () => {
      registry = await open();
      const store = detectViolationRepository(registry);
      const a = violation('a'.repeat(32), 't1', 1000);
      const b = violation('b'.repeat(32), 't2', 2000, { suppressed: true });
      const c = violation('c'.repeat(32), 't1', 3000);
      for (const v of [a, b, c]) await store.record(v, event(v, 'in-alarm', v.startTime));
      expect(await store.getViolation(a.violationId)).toEqual(a);
      const page1 = await store.listActive({ limit: 2 });
      expect(page1.items.map((v) => v.violationId)).toEqual([c.violationId, b.violationId]);
      expect((await store.listActive({ limit: 2, cursor: page1.next })).items.map((v) => v.violationId)).toEqual([a.violationId]);
      expect((await store.listActive({ limit: 10, thingName: 't1' })).items).toHaveLength(2);
      expect((await store.listActive({ limit: 10, suppressed: true })).items.map((v) => v.violationId)).toEqual([b.violationId]);
      expect(await store.setVerification(a.violationId, 'TRUE_POSITIVE', 'confirmed')).toBe(true);
      expect(await store.setVerification('missing', 'TRUE_POSITIVE', undefined)).toBe(false);
      const ended = { ...a, endTime: 5000 };
      await store.record(ended, event(a, 'alarm-cleared', 5000));
      expect(await store.getViolation(a.violationId)).toEqual({ ...ended, verificationState: 'TRUE_POSITIVE', verificationDescription: 'confirmed' });
      expect((await store.listActive({ limit: 10, verificationState: 'UNKNOWN' })).items).toHaveLength(2);
      const events = await store.listEvents({ limit: 10, from: 0, to: 10_000, thingName: 't1' });
      expect(events.items.map((e) => [e.eventType, e.time, e.verificationState ?? null])).toEqual([['alarm-cleared', 5000, 'TRUE_POSITIVE'], ['in-alarm', 3000, null], ['in-alarm', 1000, 'TRUE_POSITIVE']]);
      const paged = await store.listEvents({ limit: 1, from: 0, to: 10_000 });
      expect((await store.listEvents({ limit: 10, from: 0, to: 10_000, cursor: paged.next })).items).toHaveLength(3);
      expect(await store.expire(2500)).toBe(2);
      expect((await store.listEvents({ limit: 10, from: 0, to: 10_000 })).items.map((e) => e.time)).toEqual([5000, 3000]);
    });

    it('saves, overwrites, loads and deletes alarm counters', async () => {
      registry = await open();
      const store = detectViolationRepository(registry);
      const record = { thingName: 't1', profileName: 'p', behaviorName: 'tcp', dimension: '', violating: 1, compliant: 0, violationId: undefined, lastDatapointTime: 10 };
      await store.saveAlarms([record, { ...record, behaviorName: 'udp', dimension: 'd:IN' }]);
      await store.saveAlarms([{ ...record, violating: 2, violationId: 'f'.repeat(32), lastDatapointTime: 20 }]);
      expect(await store.loadAlarms()).toEqual([{ ...record, violating: 2, violationId: 'f'.repeat(32), lastDatapointTime: 20 }, { ...record, behaviorName: 'udp', dimension: 'd:IN' }]);
      await store.deleteAlarms([{ thingName: 't1', profileName: 'p', behaviorName: 'tcp', dimension: '' }]);
      expect((await store.loadAlarms()).map((r) => r.behaviorName)).toEqual(['udp']);
    });
  });
}
