import { Type } from 'typebox';
import { registryClient } from '../api/index.js';
import { IOT_NAME } from '../protocol/index.js';
import { allPages, defined, type ResourceKind, type Spec } from './resource-kind.js';

/** Things with their attributes and thing-group memberships (certificates are issued with `vigil cert issue`, not declared). */
export const things: ResourceKind = {
  key: 'things',
  label: 'thing',
  nameField: 'thingName',
  schema: Type.Object(
    {
      thingName: Type.String({ pattern: IOT_NAME.source }),
      thingTypeName: Type.Optional(Type.String()),
      attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
      thingGroups: Type.Optional(Type.Array(Type.String())),
    },
    { additionalProperties: false },
  ),
  normalize: (spec) => ({ ...spec, thingGroups: [...((spec['thingGroups'] as string[] | undefined) ?? [])].sort() }),
  async list({ client }) {
    const registry = registryClient(client);
    const listed = await allPages(async (token) => {
      const page = await registry.listThings(token);
      return { items: [...page.things], next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const thing of listed) {
      const groups = await registry.thingGroups(thing.thingName);
      specs.push(defined({ thingName: thing.thingName, thingTypeName: thing.thingTypeName, attributes: thing.attributes, thingGroups: groups.thingGroups.map((g) => g.groupName).sort() }));
    }
    return specs;
  },
  async create(ctx, spec) {
    const registry = registryClient(ctx.client);
    const name = spec['thingName'] as string;
    await registry.createThing(name, defined({ thingTypeName: spec['thingTypeName'], attributes: spec['attributes'] }));
    for (const group of (spec['thingGroups'] as string[] | undefined) ?? []) await registry.addThingToThingGroup(group, name);
  },
  async update(ctx, desired, current) {
    const registry = registryClient(ctx.client);
    const name = desired['thingName'] as string;
    await registry.updateThing(name, defined({ thingTypeName: desired['thingTypeName'], removeThingType: desired['thingTypeName'] === undefined && current['thingTypeName'] !== undefined ? true : undefined, attributePayload: { attributes: desired['attributes'] ?? {}, merge: false } }));
    const want = new Set((desired['thingGroups'] as string[] | undefined) ?? []);
    const have = new Set((current['thingGroups'] as string[] | undefined) ?? []);
    for (const group of want) if (!have.has(group)) await registry.addThingToThingGroup(group, name);
    for (const group of have) if (!want.has(group)) await registry.removeThingFromThingGroup(group, name);
  },
  async delete({ client }, name) {
    await registryClient(client).deleteThing(name);
  },
};
