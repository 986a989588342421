import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityProfile } from '../../src/model/index.js';
import { detectProfileRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

function profile(name: string, version = 1): SecurityProfile {
  return {
    name,
    description: `${name} profile`,
    behaviors: [{ name: 'tcp', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 3 } } }],
    alertTargets: { SNS: { alertTargetArn: 'arn:aws:sns:local:000000000000:alerts', roleArn: 'arn:aws:iam::000000000000:role/alerts' } },
    additionalMetricsToRetain: ['aws:all-bytes-in'],
    additionalMetricsToRetainV2: [{ metric: 'aws:all-bytes-out', exportMetric: true }],
    metricsExportConfig: { mqttTopic: '$aws/rules/export', roleArn: 'arn:aws:iam::000000000000:role/export' },
    tags: [{ Key: 'team', Value: 'soc' }],
    version,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000 + version,
  };
}

export function detectProfileConformance(open: OpenRegistry): void {
  describe('detect profile repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('round-trips profiles exactly, updates only from the previous version, deletes with targets', async () => {
      registry = await open();
      const store = detectProfileRepository(registry);
      expect(await store.createProfile(profile('b'))).toBe(true);
      expect(await store.createProfile(profile('a'))).toBe(true);
      expect(await store.createProfile(profile('a'))).toBe(false);
      expect(await store.getProfile('a')).toEqual(profile('a'));
      expect((await store.listProfiles()).map((p) => p.name)).toEqual(['a', 'b']);
      expect(await store.updateProfile(profile('a', 3))).toBe(false);
      expect(await store.updateProfile({ ...profile('a', 2), behaviors: [] })).toBe(true);
      expect(await store.getProfile('a')).toEqual({ ...profile('a', 2), behaviors: [] });
      expect(await store.attachTarget('a', 'arn:aws:iot:local:000000000000:all/things', 1)).toBe(true);
      expect(await store.attachTarget('a', 'arn:aws:iot:local:000000000000:all/things', 1)).toBe(false);
      expect(await store.attachTarget('b', 'arn:aws:iot:local:000000000000:thinggroup/g', 1)).toBe(true);
      expect(await store.listTargets()).toEqual([{ profileName: 'a', targetArn: 'arn:aws:iot:local:000000000000:all/things' }, { profileName: 'b', targetArn: 'arn:aws:iot:local:000000000000:thinggroup/g' }]);
      expect(await store.detachTarget('b', 'arn:aws:iot:local:000000000000:thinggroup/g')).toBe(true);
      expect(await store.deleteProfile('a')).toBe(true);
      expect(await store.deleteProfile('a')).toBe(false);
      expect(await store.listTargets()).toEqual([]);
    });

    it('keeps custom metrics and dimensions with paging by name', async () => {
      registry = await open();
      const store = detectProfileRepository(registry);
      for (const name of ['m3', 'm1', 'm2']) expect(await store.createCustomMetric({ name, displayName: undefined, metricType: 'number', tags: [], createdAt: 1, updatedAt: 1 })).toBe(true);
      expect(await store.createCustomMetric({ name: 'm1', displayName: 'x', metricType: 'number-list', tags: [], createdAt: 1, updatedAt: 1 })).toBe(false);
      const first = await store.listCustomMetrics({ limit: 2 });
      expect(first.items.map((m) => m.name)).toEqual(['m1', 'm2']);
      expect((await store.listCustomMetrics({ limit: 2, cursor: first.next })).items.map((m) => m.name)).toEqual(['m3']);
      expect(await store.updateCustomMetric({ name: 'm1', displayName: 'One', metricType: 'number', tags: [], createdAt: 1, updatedAt: 2 })).toBe(true);
      expect(await store.getCustomMetric('m1')).toEqual({ name: 'm1', displayName: 'One', metricType: 'number', tags: [], createdAt: 1, updatedAt: 2 });
      expect(await store.deleteCustomMetric('m1')).toBe(true);
      const dimension = { name: 'd', type: 'TOPIC_FILTER' as const, stringValues: ['a/+/b'], tags: [{ Key: 'k' }], createdAt: 1, updatedAt: 1 };
      expect(await store.createDimension(dimension)).toBe(true);
      expect(await store.updateDimension({ ...dimension, stringValues: ['x/#'], updatedAt: 5 })).toBe(true);
      expect(await store.getDimension('d')).toEqual({ ...dimension, stringValues: ['x/#'], updatedAt: 5 });
      expect((await store.listDimensions({ limit: 10 })).items).toHaveLength(1);
      expect(await store.deleteDimension('d')).toBe(true);
      expect(await store.getDimension('d')).toBeUndefined();
    });
  });
}
