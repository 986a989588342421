import { afterEach, describe, expect, it } from 'vitest';
import { tagRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

const THING = 'arn:aws:iot:eu-west-1:123456789012:thing/pump-1';
const TYPE = 'arn:aws:iot:eu-west-1:123456789012:thingtype/pump';

export function tagConformance(open: OpenRegistry): void {
  describe('tag repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('adds tags per ARN, replaces a key\'s value, lists by key in pages, removes keys and drops a resource\'s tags', async () => {
      registry = await open();
      const tags = tagRepository(registry);
      await tags.putTags(THING, [{ key: 'site', value: 'plant-a' }, { key: 'owner', value: 'ops' }]);
      await tags.putTags(TYPE, [{ key: 'site', value: 'elsewhere' }]);
      await tags.putTags(THING, [{ key: 'site', value: 'plant-b' }, { key: 'tier', value: '' }]);
      const first = await tags.listTags(THING, { limit: 2 });
      expect(first.items).toEqual([{ key: 'owner', value: 'ops' }, { key: 'site', value: 'plant-b' }]);
      const rest = await tags.listTags(THING, { limit: 2, cursor: first.next });
      expect(rest).toEqual({ items: [{ key: 'tier', value: '' }], next: undefined });
      expect((await tags.tagKeys(THING)).sort()).toEqual(['owner', 'site', 'tier']);
      await tags.removeTags(THING, ['owner', 'absent']);
      expect((await tags.listTags(THING, { limit: 10 })).items.map((t) => t.key)).toEqual(['site', 'tier']);
      await tags.deleteTags(THING);
      expect((await tags.listTags(THING, { limit: 10 })).items).toEqual([]);
      expect((await tags.listTags(TYPE, { limit: 10 })).items).toEqual([{ key: 'site', value: 'elsewhere' }]);
    });
  });
}
