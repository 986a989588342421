import { afterEach, describe, expect, it } from 'vitest';
import type { MlModelRecord } from '../../src/model/index.js';
import { detectMlModelRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

const record = (profileName: string, behaviorName: string, over: Partial<MlModelRecord> = {}): MlModelRecord => ({ profileName, behaviorName, metric: 'aws:all-bytes-out', dimension: '', status: 'PENDING_BUILD', collectionStart: 1_700_000_000_000, lastRefresh: undefined, lastAttempt: undefined, datapoints: 0, percentage: 0, model: undefined, ...over });

export function detectMlConformance(open: OpenRegistry): void {
  describe('detect ML model repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('saves, updates, lists by profile and deletes model records', async () => {
      registry = await open();
      const store = detectMlModelRepository(registry);
      await store.save(record('b', 'x'));
      await store.save(record('a', 'y', { dimension: 'topics:IN' }));
      await store.save(record('a', 'x'));
      expect((await store.list()).map((r) => `${r.profileName}/${r.behaviorName}`)).toEqual(['a/x', 'a/y', 'b/x']);
      expect((await store.list('a')).map((r) => r.behaviorName)).toEqual(['x', 'y']);
      expect(await store.get('a', 'y')).toEqual(record('a', 'y', { dimension: 'topics:IN' }));
      const active = record('a', 'x', { status: 'ACTIVE', lastRefresh: 1_700_000_100_000, lastAttempt: 1_700_000_100_000, datapoints: 25_000, percentage: 100, model: '{"version":1}' });
      await store.save(active);
      expect(await store.get('a', 'x')).toEqual(active);
      expect(await store.delete('a', 'x')).toBe(true);
      expect(await store.delete('a', 'x')).toBe(false);
      expect(await store.get('a', 'x')).toBeUndefined();
    });
  });
}
