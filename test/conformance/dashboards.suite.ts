import { afterEach, describe, expect, it } from 'vitest';
import { dashboardRepository, type RegistryDb } from '../../src/store/index.js';
import type { Dashboard } from '../../src/model/index.js';
import type { OpenRegistry } from './registry-suites.js';

const base: Dashboard = {
  id: 'd1',
  name: 'Ports',
  description: 'open ports',
  panels: [{ title: 'Listening', query: 'index=main | stats count by thing', visualization: 'column', earliest: '-24h' }],
  version: 1,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};

export function dashboardConformance(open: OpenRegistry): void {
  describe('dashboard repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates, reads back panels, lists by name and deletes dashboards', async () => {
      registry = await open();
      const store = dashboardRepository(registry);
      expect(await store.create(base)).toBe(true);
      expect(await store.create({ ...base, name: 'other' })).toBe(false);
      expect(await store.create({ ...base, id: 'd0', name: 'Audit', panels: [] })).toBe(true);
      expect(await store.get('d1')).toEqual(base);
      expect((await store.list()).map((d) => d.id)).toEqual(['d0', 'd1']);
      expect(await store.delete('d1')).toBe(true);
      expect(await store.delete('d1')).toBe(false);
      expect(await store.get('d1')).toBeUndefined();
    });

    it('updates only at the expected version and bumps it', async () => {
      registry = await open();
      const store = dashboardRepository(registry);
      await store.create(base);
      const change = { name: 'Ports v2', description: '', panels: [{ title: 'T', query: 'index=x', visualization: 'table' as const }] };
      const updated = await store.update('d1', change, 1, 1_700_000_001_000);
      expect(updated).toEqual({ ...base, ...change, version: 2, updatedAt: 1_700_000_001_000 });
      expect(await store.update('d1', change, 1, 1_700_000_002_000)).toBe('conflict');
      expect(await store.update('missing', change, 1, 1)).toBe('missing');
      expect(await store.get('d1')).toEqual(updated);
    });
  });
}
