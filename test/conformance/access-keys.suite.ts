import { afterEach, describe, expect, it } from 'vitest';
import { accessKeyRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

export function accessKeyConformance(open: OpenRegistry): void {
  describe('access key repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('stores, finds, lists in creation order and deletes keys', async () => {
      registry = await open();
      const keys = accessKeyRepository(registry);
      const first = { accessKeyId: 'AKIAAAAAAAAAAAAAAAA1', secretAccessKey: 's'.repeat(40), description: 'ci', createdAt: 1_700_000_000_000 };
      const second = { accessKeyId: 'AKIAAAAAAAAAAAAAAAA2', secretAccessKey: 't'.repeat(40), description: '', createdAt: 1_700_000_000_500 };
      await keys.create(second);
      await keys.create(first);
      expect(await keys.find(first.accessKeyId)).toEqual(first);
      expect(await keys.find('AKIAMISSING')).toBeUndefined();
      expect((await keys.list()).map((k) => k.accessKeyId)).toEqual([first.accessKeyId, second.accessKeyId]);
      expect(await keys.delete(first.accessKeyId)).toBe(true);
      expect(await keys.delete(first.accessKeyId)).toBe(false);
      expect(await keys.list()).toEqual([second]);
    });

    it('refuses a duplicate access key id', async () => {
      registry = await open();
      const keys = accessKeyRepository(registry);
      const key = { accessKeyId: 'AKIAAAAAAAAAAAAAAAA3', secretAccessKey: 'u'.repeat(40), description: '', createdAt: 1 };
      await keys.create(key);
      await expect(keys.create(key)).rejects.toThrow();
    });
  });
}
