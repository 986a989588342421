import { Type } from 'typebox';
import { IOT_NAME } from '../protocol/index.js';
import { registryClient } from '../api/index.js';
import { allPages, defined, type ResourceKind, type Spec } from './resource-kind.js';

/** Thing groups (nested through `parentGroupName`). The server has no UpdateThingGroup: a change is refused by the plan. */
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
  updateBlocked: () => 'thing groups cannot be changed in place (no UpdateThingGroup yet): delete the group first, or keep its settings',
  async delete({ client }, name) {
    await registryClient(client).deleteThingGroup(name);
  },
};
