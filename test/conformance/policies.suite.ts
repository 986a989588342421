import { afterEach, describe, expect, it } from 'vitest';
import { policyRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

const doc = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `arn:aws:iot:local:000000000000:client/c${n}` }] });

export function policyConformance(open: OpenRegistry): void {
  describe('policy repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates a policy with default version 1, adds versions with ids never reused, sets and deletes versions', async () => {
      registry = await open();
      const policies = policyRepository(registry);
      expect(await policies.create('p', doc(1), 100, 'g1')).toBe(true);
      expect(await policies.create('p', doc(1), 100, 'g1')).toBe(false);
      expect(await policies.get('p')).toEqual({ policyName: 'p', defaultVersionId: '1', createdAt: 100, updatedAt: 100, generationId: 'g1' });
      expect(await policies.addVersion('p', doc(2), false, 200, 'g2')).toEqual({ policyName: 'p', versionId: '2', document: doc(2), createdAt: 200 });
      expect((await policies.get('p'))?.defaultVersionId).toBe('1');
      await policies.addVersion('p', doc(3), true, 300, 'g3');
      expect(await policies.get('p')).toEqual({ policyName: 'p', defaultVersionId: '3', createdAt: 100, updatedAt: 300, generationId: 'g3' });
      expect(await policies.addVersion('missing', doc(1), true, 1, 'g')).toBeUndefined();
      expect(await policies.deleteVersion('p', '2')).toBe(true);
      expect(await policies.deleteVersion('p', '2')).toBe(false);
      expect((await policies.addVersion('p', doc(4), false, 400, 'g4'))?.versionId).toBe('4');
      expect((await policies.listVersions('p')).map((v) => v.versionId)).toEqual(['4', '3', '1']);
      expect(await policies.getVersion('p', '1')).toEqual({ policyName: 'p', versionId: '1', document: doc(1), createdAt: 100 });
      expect(await policies.getVersion('p', 'x')).toBeUndefined();
      expect(await policies.setDefaultVersion('p', '1', 500, 'g5')).toBe(true);
      expect(await policies.setDefaultVersion('p', '2', 500, 'g5')).toBe(false);
      expect((await policies.get('p'))?.defaultVersionId).toBe('1');
    });

    it('lists policies by name both ways in pages and deletes a policy with its versions and attachments', async () => {
      registry = await open();
      const policies = policyRepository(registry);
      for (const name of ['b', 'a', 'c']) await policies.create(name, doc(1), 1, 'g');
      const first = await policies.list({ limit: 2 });
      expect(first.items.map((p) => p.policyName)).toEqual(['a', 'b']);
      expect((await policies.list({ limit: 2, cursor: first.next })).items.map((p) => p.policyName)).toEqual(['c']);
      expect((await policies.list({ limit: 5, ascending: false })).items.map((p) => p.policyName)).toEqual(['c', 'b', 'a']);
      await policies.attach('a', { kind: 'cert', id: 'c1' }, 1);
      expect(await policies.delete('a')).toBe(true);
      expect(await policies.delete('a')).toBe(false);
      expect(await policies.listVersions('a')).toEqual([]);
      expect((await policies.policiesOf({ kind: 'cert', id: 'c1' }, { limit: 5 })).items).toEqual([]);
    });

    it('attaches to certificates and groups, pages targets and returns the default documents of effective policies', async () => {
      registry = await open();
      const policies = policyRepository(registry);
      await policies.create('p1', doc(1), 1, 'g');
      await policies.create('p2', doc(2), 1, 'g');
      await policies.addVersion('p2', doc(22), true, 2, 'g');
      await policies.create('p3', doc(3), 1, 'g');
      expect(await policies.attach('p1', { kind: 'cert', id: 'c1' }, 1)).toBe(true);
      expect(await policies.attach('p1', { kind: 'cert', id: 'c1' }, 1)).toBe(false);
      await policies.attach('p1', { kind: 'thinggroup', id: 'g1' }, 1);
      await policies.attach('p2', { kind: 'thinggroup', id: 'g1' }, 1);
      await policies.attach('p3', { kind: 'thinggroup', id: 'g2' }, 1);
      const targets = await policies.targetsOf('p1', { limit: 1 });
      expect(targets.items).toEqual([{ kind: 'cert', id: 'c1' }]);
      expect((await policies.targetsOf('p1', { limit: 1, cursor: targets.next })).items).toEqual([{ kind: 'thinggroup', id: 'g1' }]);
      expect((await policies.policiesOf({ kind: 'thinggroup', id: 'g1' }, { limit: 5 })).items).toEqual(['p1', 'p2']);
      expect(await policies.effectivePolicies([{ kind: 'cert', id: 'c1' }, { kind: 'thinggroup', id: 'g1' }])).toEqual([
        { policyName: 'p1', versionId: '1', document: doc(1) },
        { policyName: 'p2', versionId: '2', document: doc(22) },
      ]);
      expect(await policies.effectivePolicies([])).toEqual([]);
      expect(await policies.detach('p1', { kind: 'cert', id: 'c1' })).toBe(true);
      expect(await policies.detach('p1', { kind: 'cert', id: 'c1' })).toBe(false);
      await policies.detachTarget({ kind: 'thinggroup', id: 'g1' });
      expect((await policies.targetsOf('p2', { limit: 5 })).items).toEqual([]);
    });
  });
}
