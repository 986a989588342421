import { afterEach, describe, expect, it } from 'vitest';
import type { Thing, ThingGroup } from '../../src/model/index.js';
import { thingRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

function thing(name: string, over: Partial<Thing> = {}): Thing {
  return { thingName: name, thingId: `id-${name}`, thingTypeName: undefined, attributes: {}, version: 1, createdAt: 1_700_000_000_000, ...over };
}

function group(name: string, parent?: string): ThingGroup {
  return { groupName: name, groupId: `gid-${name}`, parentGroupName: parent, description: undefined, attributes: {}, version: 1, createdAt: 1_700_000_000_000 };
}

export function thingConformance(open: OpenRegistry): void {
  describe('thing repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates once, reads back every field, updates only at the expected version, deletes', async () => {
      registry = await open();
      const things = thingRepository(registry);
      const pump = thing('pump-1', { thingTypeName: 'pump', attributes: { site: 'north', model: 'x' } });
      expect(await things.createThing(pump)).toBe(true);
      expect(await things.createThing(pump)).toBe(false);
      expect(await things.getThing('pump-1')).toEqual(pump);
      expect(await things.getThing('missing')).toBeUndefined();
      expect(await things.updateThing({ ...pump, attributes: { site: 'south' }, version: 3 })).toBe(false);
      expect(await things.updateThing({ ...pump, attributes: { site: 'south' }, thingTypeName: undefined, version: 2 })).toBe(true);
      expect(await things.getThing('pump-1')).toEqual({ ...pump, attributes: { site: 'south' }, thingTypeName: undefined, version: 2 });
      expect(await things.deleteThing('pump-1')).toBe(true);
      expect(await things.deleteThing('pump-1')).toBe(false);
    });

    it('lists by name in pages and filters by type and attribute (exact and prefix)', async () => {
      registry = await open();
      const things = thingRepository(registry);
      for (let i = 0; i < 7; i++) await things.createThing(thing(`t${i}`, { thingTypeName: i % 2 === 0 ? 'even' : 'odd', attributes: { site: i < 3 ? 'north-1' : 'south' } }));
      const first = await things.listThings({ limit: 3 });
      expect(first.items.map((t) => t.thingName)).toEqual(['t0', 't1', 't2']);
      const second = await things.listThings({ limit: 3, cursor: first.next });
      expect(second.items.map((t) => t.thingName)).toEqual(['t3', 't4', 't5']);
      const third = await things.listThings({ limit: 3, cursor: second.next });
      expect(third.items.map((t) => t.thingName)).toEqual(['t6']);
      expect(third.next).toBeUndefined();
      expect((await things.listThings({ limit: 10, thingTypeName: 'odd' })).items.map((t) => t.thingName)).toEqual(['t1', 't3', 't5']);
      expect((await things.listThings({ limit: 10, attributeName: 'site', attributeValue: 'south' })).items).toHaveLength(4);
      expect((await things.listThings({ limit: 10, attributeName: 'site', attributeValue: 'north', usePrefixAttributeValue: true })).items.map((t) => t.thingName)).toEqual(['t0', 't1', 't2']);
      const filtered = await things.listThings({ limit: 2, attributeName: 'site', attributeValue: 'north-1' });
      expect(filtered.items.map((t) => t.thingName)).toEqual(['t0', 't1']);
      const rest = await things.listThings({ limit: 2, attributeName: 'site', attributeValue: 'north-1', cursor: filtered.next });
      expect(rest.items.map((t) => t.thingName)).toEqual(['t2']);
      expect(rest.next).toBeUndefined();
    });

    it('stores thing types once, lists them by name in pages, and sets and clears deprecation', async () => {
      registry = await open();
      const things = thingRepository(registry);
      const pump = { thingTypeName: 'pump', thingTypeId: 'tid-pump', description: 'water pumps', searchableAttributes: ['site', 'model'], deprecated: false, deprecatedAt: undefined, createdAt: 1_700_000_000_000 };
      const valve = { ...pump, thingTypeName: 'valve', thingTypeId: 'tid-valve', description: undefined, searchableAttributes: [] };
      expect(await things.createThingType(pump)).toBe(true);
      expect(await things.createThingType(pump)).toBe(false);
      await things.createThingType(valve);
      expect(await things.getThingType('pump')).toEqual(pump);
      expect(await things.getThingType('missing')).toBeUndefined();
      const first = await things.listThingTypes({ limit: 1 });
      expect(first.items).toEqual([pump]);
      expect((await things.listThingTypes({ limit: 1, cursor: first.next })).items).toEqual([valve]);
      expect((await things.listThingTypes({ limit: 10, thingTypeName: 'valve' })).items).toEqual([valve]);
      expect(await things.setThingTypeDeprecated('pump', 1_700_000_500_000)).toBe(true);
      expect(await things.getThingType('pump')).toEqual({ ...pump, deprecated: true, deprecatedAt: 1_700_000_500_000 });
      expect(await things.setThingTypeDeprecated('pump', undefined)).toBe(true);
      expect(await things.getThingType('pump')).toEqual(pump);
      expect(await things.setThingTypeDeprecated('missing', undefined)).toBe(false);
      expect(await things.deleteThingType('valve')).toBe(true);
      expect(await things.deleteThingType('valve')).toBe(false);
      expect(await things.getThingType('valve')).toBeUndefined();
    });

    it('updates a group\'s description and attributes only at the expected version', async () => {
      registry = await open();
      const things = thingRepository(registry);
      const plant = group('plant');
      await things.createGroup(plant);
      expect(await things.updateGroup({ ...plant, description: 'north plant', attributes: { site: 'north' }, version: 3 })).toBe(false);
      expect(await things.updateGroup({ ...plant, description: 'north plant', attributes: { site: 'north' }, version: 2 })).toBe(true);
      expect(await things.getGroup('plant')).toEqual({ ...plant, description: 'north plant', attributes: { site: 'north' }, version: 2 });
      expect(await things.updateGroup({ ...group('missing'), version: 2 })).toBe(false);
    });

    it('nests groups, lists children (recursively) and by prefix, and keeps memberships', async () => {
      registry = await open();
      const things = thingRepository(registry);
      expect(await things.createGroup(group('root'))).toBe(true);
      expect(await things.createGroup(group('root'))).toBe(false);
      await things.createGroup(group('plant-a', 'root'));
      await things.createGroup(group('line-1', 'plant-a'));
      await things.createGroup(group('other'));
      expect(await things.getGroup('line-1')).toEqual(group('line-1', 'plant-a'));
      expect((await things.listGroups({ limit: 10 })).items.map((g) => g.groupName)).toEqual(['line-1', 'other', 'plant-a', 'root']);
      expect((await things.listGroups({ limit: 10, parentGroupName: 'root' })).items.map((g) => g.groupName)).toEqual(['plant-a']);
      expect((await things.listGroups({ limit: 10, parentGroupName: 'root', recursive: true })).items.map((g) => g.groupName)).toEqual(['line-1', 'plant-a']);
      expect((await things.listGroups({ limit: 10, namePrefix: 'pl' })).items.map((g) => g.groupName)).toEqual(['plant-a']);
      const paged = await things.listGroups({ limit: 2 });
      expect((await things.listGroups({ limit: 2, cursor: paged.next })).items.map((g) => g.groupName)).toEqual(['plant-a', 'root']);

      await things.createThing(thing('a'));
      await things.createThing(thing('b'));
      expect(await things.addMember('line-1', 'a', 1)).toBe(true);
      expect(await things.addMember('line-1', 'a', 1)).toBe(false);
      await things.addMember('other', 'a', 1);
      await things.addMember('plant-a', 'b', 1);
      expect(await things.groupsOfThing('a')).toEqual(['line-1', 'other']);
      expect((await things.membersOf(['line-1', 'plant-a', 'other'], { limit: 10 })).items).toEqual(['a', 'b']);
      const one = await things.membersOf(['line-1', 'plant-a'], { limit: 1 });
      expect(one.items).toEqual(['a']);
      expect((await things.membersOf(['line-1', 'plant-a'], { limit: 1, cursor: one.next })).items).toEqual(['b']);
      expect(await things.removeMember('other', 'a')).toBe(true);
      expect(await things.removeMember('other', 'a')).toBe(false);
      await things.deleteThing('a');
      expect(await things.groupsOfThing('a')).toEqual([]);
      expect(await things.deleteGroup('plant-a')).toBe(true);
      expect((await things.membersOf(['plant-a'], { limit: 10 })).items).toEqual([]);
    });
  });
}
