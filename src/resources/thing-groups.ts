import { Type } from 'typebox';
import { IOT_NAME } from '../protocol/index.js';
import { registryClient } from '../api/index.js';
import { allPages, defined, type ResourceKind, type Spec } from './resource-kind.js';

/** Thing groups (nested through `parentGroupName`): description and attributes change in place (UpdateThingGroup); the parent does not. */
export const thingGroups: ResourceKind = {
  key: 'thing_groups',
  label: 'thing group',
  nameField: 'thingGroupName',
  schema: Type.Object(
    {
      thingGroupName: Type.String({ pattern: IOT_NAME.source }),
      parentGroupName: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
      attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
    },
    { additionalProperties: false },
  ),
  async list({ client }) {
    const registry = registryClient(client);
    const names = await allPages(async (token) => {
      const page = await registry.listThingGroups(token);
      return { items: page.thingGroups.map((g) => g.groupName), next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const group = await registry.describeThingGroup(name);
      specs.push(defined({
        thingGroupName: group.thingGroupName,
        parentGroupName: group.thingGroupMetadata?.parentGroupName,
        description: group.thingGroupProperties?.thingGroupDescription,
        attributes: group.thingGroupProperties?.attributePayload?.attributes,
      }));
    }
    // Parents before children, so that an export applies in order.
    const depth = (spec: Spec): number => {
      let d = 0;
      let parent = spec['parentGroupName'] as string | undefined;
      while (parent !== undefined && d < 10) {
        d++;
        parent = specs.find((s) => s['thingGroupName'] === parent)?.['parentGroupName'] as string | undefined;
      }
      return d;
    };
    return specs.sort((a, b) => depth(a) - depth(b) || String(a['thingGroupName']).localeCompare(String(b['thingGroupName'])));
  },
  async create({ client }, spec) {
    const properties = defined({ thingGroupDescription: spec['description'], attributePayload: spec['attributes'] === undefined ? undefined : { attributes: spec['attributes'] } });
    await registryClient(client).createThingGroup(spec['thingGroupName'] as string, spec['parentGroupName'] as string | undefined, properties);
  },
  updateBlocked: (desired, current) =>
    (desired['parentGroupName'] ?? '') !== (current['parentGroupName'] ?? '') ? 'a thing group\'s parent cannot change: delete the group first, or keep its parent' : undefined,
  async update({ client }, desired) {
    await registryClient(client).updateThingGroup(desired['thingGroupName'] as string, {
      thingGroupProperties: { thingGroupDescription: (desired['description'] as string | undefined) ?? '', attributePayload: { attributes: (desired['attributes'] as Record<string, string> | undefined) ?? {}, merge: false } },
    });
  },
  async delete({ client }, name) {
    await registryClient(client).deleteThingGroup(name);
  },
};
