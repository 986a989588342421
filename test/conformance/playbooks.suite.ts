import { afterEach, describe, expect, it } from 'vitest';
import { playbookRepository, type RegistryDb } from '../../src/store/index.js';
import type { Playbook, PlaybookRun } from '../../src/model/index.js';
import type { OpenRegistry } from './registry-suites.js';

const T0 = 1_767_225_600_000;
const playbook: Playbook = {
  name: 'ports',
  description: 'quarantine on a new port',
  enabled: false,
  trigger: { type: 'violation', behavior: 'ports', event: 'in-alarm' },
  steps: [{ type: 'approval', params: { timeout_secs: 60, default: 'deny' } }, { type: 'quarantine', params: { thing: '${thing}', group: 'q', policy: 'deny' } }],
  limits: { maxThingsPerHour: 3, stepAttempts: 2 },
  dryRun: false,
  createdAt: T0,
  updatedAt: T0,
};

function run(id: string, thing: string, at: number, state: PlaybookRun['state'] = 'succeeded', dryRun = false): PlaybookRun {
  return { id, playbook: 'ports', state, dryRun, trigger: { type: 'violation', summary: `t ${thing}`, time: at }, variables: { thing }, thing, steps: [{ index: 0, type: 'quarantine', status: 'succeeded', params: { thing }, attempts: 2, startedAt: at, endedAt: at + 5, undo: { previousGroups: ['a', 'b'] } }], notes: [{ time: at, text: 'n' }], createdAt: at, updatedAt: at };
}

export function playbookConformance(open: OpenRegistry): void {
  describe('playbook repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates once, reads back, updates, lists by name and deletes a playbook with its runs', async () => {
      registry = await open();
      const store = playbookRepository(registry);
      expect(await store.createPlaybook(playbook)).toBe(true);
      expect(await store.createPlaybook({ ...playbook, description: 'again' })).toBe(false);
      expect(await store.getPlaybook('ports')).toEqual(playbook);
      expect(await store.updatePlaybook({ ...playbook, enabled: true })).toBe(true);
      expect(await store.updatePlaybook({ ...playbook, name: 'missing' })).toBe(false);
      await store.createPlaybook({ ...playbook, name: 'a-first' });
      expect((await store.listPlaybooks()).map((p) => [p.name, p.enabled])).toEqual([['a-first', false], ['ports', true]]);
      await store.saveRun(run('r1', 't1', T0));
      expect(await store.deletePlaybook('ports')).toBe(true);
      expect(await store.getRun('r1')).toBeUndefined();
      expect(await store.deletePlaybook('ports')).toBe(false);
    });

    it('saves a run, replaces it by id, pages runs newest first and filters by state', async () => {
      registry = await open();
      const store = playbookRepository(registry);
      await store.createPlaybook(playbook);
      for (let i = 0; i < 5; i++) await store.saveRun(run(`r${i}`, `t${i}`, T0 + i * 1000, i === 4 ? 'waiting_approval' : 'succeeded'));
      await store.saveRun({ ...run('r2', 't2', T0 + 2000), state: 'undone' });
      expect((await store.getRun('r2'))?.state).toBe('undone');
      expect(await store.getRun('r0')).toEqual(run('r0', 't0', T0));
      const first = await store.listRuns({ limit: 2, playbook: 'ports' });
      expect(first.items.map((r) => r.id)).toEqual(['r4', 'r3']);
      const second = await store.listRuns({ limit: 2, playbook: 'ports', cursor: first.next });
      expect(second.items.map((r) => r.id)).toEqual(['r2', 'r1']);
      const third = await store.listRuns({ limit: 2, playbook: 'ports', cursor: second.next });
      expect(third).toEqual({ items: [run('r0', 't0', T0)], next: undefined });
      expect((await store.listRuns({ limit: 10, states: ['waiting_approval'] })).items.map((r) => r.id)).toEqual(['r4']);
      await expect(store.listRuns({ limit: 2, cursor: 'garbage' })).rejects.toMatchObject({ code: 'playbook_run.invalid_token' });
    });

    it('counts distinct things acted on since a time: paused, denied and dry runs do not count', async () => {
      registry = await open();
      const store = playbookRepository(registry);
      await store.saveRun(run('a', 't1', T0));
      await store.saveRun(run('b', 't1', T0 + 10));
      await store.saveRun(run('c', 't2', T0 + 20, 'failed'));
      await store.saveRun(run('d', 't3', T0 + 30, 'paused_rate_limit'));
      await store.saveRun(run('e', 't4', T0 + 40, 'denied'));
      await store.saveRun(run('f', 't5', T0 + 50, 'succeeded', true));
      await store.saveRun(run('g', 't6', T0 - 10));
      expect((await store.thingsActedOnSince('ports', T0)).sort()).toEqual(['t1', 't2']);
      expect(await store.thingsActedOnSince('other', T0)).toEqual([]);
    });
  });
}
