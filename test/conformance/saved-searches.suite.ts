import { afterEach, describe, expect, it } from 'vitest';
import { savedSearchRepository, type RegistryDb } from '../../src/store/index.js';
import type { AlertRun, SavedSearch } from '../../src/model/index.js';
import type { OpenRegistry } from './registry-suites.js';

const base: SavedSearch = {
  name: 'new-port',
  description: 'a device listens on a new port',
  search: 'sourcetype=aws-iot-device-defender | stats count by thing',
  earliest: '-24h',
  latest: 'now',
  cron: '*/5 * * * *',
  enabled: true,
  alert: { trigger: { type: 'per_result' }, actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }, { type: 'topic', topic: 'soc' }], throttle: { periodSecs: 3600, fields: ['thing', 'port'] } },
  bundled: false,
  createdAt: 1_767_225_600_000,
  updatedAt: 1_767_225_600_000,
};

function run(id: string, time: number, status: AlertRun['status'] = 'fired'): AlertRun {
  return { id, searchName: 'new-port', time, cause: 'schedule', status, resultCount: 1, rows: [{ thing: 't', port: '21', tags: ['a', 'b'] }], firedCount: 1, suppressedCount: 0, actions: [{ type: 'webhook', target: 'http://x', ok: false, attempts: 3, error: 'HTTP 500' }], durationMs: 12 };
}

export function savedSearchConformance(open: OpenRegistry): void {
  describe('saved search repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates, reads back the alert, lists by name, updates and deletes', async () => {
      registry = await open();
      const store = savedSearchRepository(registry);
      expect(await store.create(base)).toBe(true);
      expect(await store.create({ ...base, description: 'again' })).toBe(false);
      const plain: SavedSearch = { ...base, name: 'a-report', alert: undefined, enabled: false };
      expect(await store.create(plain)).toBe(true);
      expect(await store.get('new-port')).toEqual(base);
      const { alert: _none, ...withoutAlert } = plain;
      expect(await store.get('a-report')).toEqual(withoutAlert);
      expect((await store.list()).map((s) => s.name)).toEqual(['a-report', 'new-port']);
      const changed: SavedSearch = { ...base, cron: '0 * * * *', enabled: false, alert: { trigger: { type: 'number_of_results', comparator: '>=', threshold: 2 }, actions: [] }, updatedAt: base.updatedAt + 1 };
      expect(await store.update(changed)).toBe(true);
      expect(await store.get('new-port')).toEqual(changed);
      expect(await store.update({ ...changed, name: 'missing' })).toBe(false);
      expect(await store.delete('new-port')).toBe(true);
      expect(await store.delete('new-port')).toBe(false);
      expect(await store.get('new-port')).toBeUndefined();
    });

    it('keeps the newest runs per search, newest first, and deletes them with the search', async () => {
      registry = await open();
      const store = savedSearchRepository(registry);
      await store.create(base);
      for (let i = 1; i <= 5; i++) await store.addRun(run(`r${i}`, base.createdAt + i * 1000, i % 2 === 0 ? 'throttled' : 'fired'), 3);
      const runs = await store.listRuns('new-port', 10);
      expect(runs.map((r) => r.id)).toEqual(['r5', 'r4', 'r3']);
      expect(runs[0]).toEqual(run('r5', base.createdAt + 5000, 'fired'));
      expect((await store.listRuns('new-port', 2)).map((r) => r.id)).toEqual(['r5', 'r4']);
      await store.delete('new-port');
      expect(await store.listRuns('new-port', 10)).toEqual([]);
    });

    it('remembers throttle keys until their time, and a later suppress extends them', async () => {
      registry = await open();
      const store = savedSearchRepository(registry);
      await store.create(base);
      await store.suppress('new-port', ['["t","21"]', '["t","23"]', '["t","21"]'], 10_000);
      expect(await store.suppressedKeys('new-port', 9_999)).toEqual(new Set(['["t","21"]', '["t","23"]']));
      expect(await store.suppressedKeys('new-port', 10_000)).toEqual(new Set());
      await store.suppress('new-port', ['["t","21"]'], 20_000);
      expect(await store.suppressedKeys('new-port', 15_000)).toEqual(new Set(['["t","21"]']));
      expect(await store.suppressedKeys('other', 0)).toEqual(new Set());
    });

    it('installs a bundled search once: after a delete it stays deleted', async () => {
      registry = await open();
      const store = savedSearchRepository(registry);
      const bundled = { ...base, name: 'iot-x', bundled: true, enabled: false };
      expect(await store.installBundled(bundled)).toBe(true);
      expect(await store.get('iot-x')).toEqual(bundled);
      expect(await store.installBundled({ ...bundled, description: 'v2' })).toBe(false);
      await store.delete('iot-x');
      expect(await store.installBundled(bundled)).toBe(false);
      expect(await store.get('iot-x')).toBeUndefined();
    });
  });
}
