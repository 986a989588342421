import { Type } from 'typebox';
import { IOT_NAME } from '../../protocol/index.js';
import { allPages, defined, enc, type ResourceKind, type Spec } from './resource-kind.js';

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
    const listed = await allPages(async (token) => {
      const page = await client.request<{ things: Array<{ thingName: string; thingTypeName?: string; attributes?: Record<string, string> }>; nextToken?: string }>('GET', `/things?maxResults=250${token === undefined ? '' : `&nextToken=${enc(token)}`}`);
      return { items: page.things, next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const thing of listed) {
      const groups = await client.request<{ thingGroups: Array<{ groupName: string }> }>('GET', `/things/${enc(thing.thingName)}/thing-groups?maxResults=250`);
      specs.push(defined({ thingName: thing.thingName, thingTypeName: thing.thingTypeName, attributes: thing.attributes, thingGroups: groups.thingGroups.map((g) => g.groupName).sort() }));
    }
    return specs;
  },
  async create(ctx, spec) {
    const name = spec['thingName'] as string;
    await ctx.client.request('POST', `/things/${enc(name)}`, defined({ thingTypeName: spec['thingTypeName'], attributePayload: spec['attributes'] === undefined ? undefined : { attributes: spec['attributes'] } }));
    for (const group of (spec['thingGroups'] as string[] | undefined) ?? []) await ctx.client.request('PUT', '/thing-groups/addThingToThingGroup', { thingGroupName: group, thingName: name });
  },
  async update(ctx, desired, current) {
    const name = desired['thingName'] as string;
    await ctx.client.request('PATCH', `/things/${enc(name)}`, defined({ thingTypeName: desired['thingTypeName'], removeThingType: desired['thingTypeName'] === undefined && current['thingTypeName'] !== undefined ? true : undefined, attributePayload: { attributes: desired['attributes'] ?? {}, merge: false } }));
    const want = new Set((desired['thingGroups'] as string[] | undefined) ?? []);
    const have = new Set((current['thingGroups'] as string[] | undefined) ?? []);
    for (const group of want) if (!have.has(group)) await ctx.client.request('PUT', '/thing-groups/addThingToThingGroup', { thingGroupName: group, thingName: name });
    for (const group of have) if (!want.has(group)) await ctx.client.request('PUT', '/thing-groups/removeThingFromThingGroup', { thingGroupName: group, thingName: name });
  },
  async delete({ client }, name) {
    await client.request('DELETE', `/things/${enc(name)}`);
  },
};
