import { randomUUID } from 'node:crypto';
import type { Behavior } from '../../src/model/index.js';
import type { RegistryDb } from '../../src/store/index.js';
import { detectViolationRepository, thingRepository } from '../../src/store/index.js';

/** Registers `count` things named `<prefix>-00001`… through the registry's thing store (fast path for list tests). */
export async function seedThings(registry: RegistryDb, count: number, prefix: string, attributes: (i: number) => Record<string, string> = () => ({})): Promise<string[]> {
  const names: string[] = [];
  // One transaction: 10,000 single-row commits would spend the test's time on fsync.
  await registry.db.transaction().execute(async (trx) => {
    const store = thingRepository({ ...registry, db: trx });
    for (let i = 1; i <= count; i++) {
      const thingName = `${prefix}-${String(i).padStart(5, '0')}`;
      names.push(thingName);
      await store.createThing({ thingName, thingId: randomUUID(), thingTypeName: undefined, attributes: attributes(i), version: 1, createdAt: Date.now() });
    }
  });
  return names;
}

/**
 * Records `count` active violations (one in-alarm event each) through the detect violation store,
 * one second apart ending at `now`: the i-th (1-based) starts at `now - (count - i) s`, so the
 * newest is the last one seeded and the oldest (`<prefix>-00001`) is on the last page of a newest-first list.
 */
export async function seedViolations(registry: RegistryDb, count: number, things: readonly string[], now: number, prefix = 'seeded'): Promise<string[]> {
  const store = detectViolationRepository(registry);
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const violationId = `${prefix}-${String(i).padStart(5, '0')}`;
    const thingName = things[(i - 1) % things.length] as string;
    const time = now - (count - i) * 1000;
    const behavior: Behavior = { name: `SeededBehavior${String(i).padStart(5, '0')}`, metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 5 } } };
    ids.push(violationId);
    await store.record(
      { violationId, thingName, profileName: 'SeededProfile', behavior, criteriaType: 'STATIC', suppressed: false, startTime: time, lastValue: { count: 9 }, lastTime: time, verificationState: undefined, verificationDescription: undefined, endTime: undefined },
      { violationId, thingName, profileName: 'SeededProfile', behavior, criteriaType: 'STATIC', suppressed: false, eventType: 'in-alarm', metricValue: { count: 9 }, time },
    );
  }
  return ids;
}
