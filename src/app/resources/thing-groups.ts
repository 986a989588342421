import { Type } from 'typebox';
import { IOT_NAME } from '../../protocol/index.js';
import { allPages, defined, enc, type ResourceKind, type Spec } from './resource-kind.js';

interface GroupDescription {
  thingGroupName: string;
  thingGroupProperties?: { thingGroupDescription?: string; attributePayload?: { attributes?: Record<string, string> } };
  thingGroupMetadata?: { parentGroupName?: string };
}

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
    const names = await allPages(async (token) => {
      const page = await client.request<{ thingGroups: Array<{ groupName: string }>; nextToken?: string }>('GET', `/thing-groups?maxResults=250${token === undefined ? '' : `&nextToken=${enc(token)}`}`);
      return { items: page.thingGroups.map((g) => g.groupName), next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const group = await client.request<GroupDescription>('GET', `/thing-groups/${enc(name)}`);
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
    await client.request('POST', `/thing-groups/${enc(spec['thingGroupName'] as string)}`, defined({ parentGroupName: spec['parentGroupName'], thingGroupProperties: properties }));
  },
  updateBlocked: () => 'thing groups cannot be changed in place (no UpdateThingGroup yet): delete the group first, or keep its settings',
  async delete({ client }, name) {
    await client.request('DELETE', `/thing-groups/${enc(name)}`);
  },
};
