import type { FastifyInstance } from 'fastify';
import type { Thing, ThingGroup } from '../../model/index.js';
import { nameFromArn } from '../../protocol/index.js';
import type { ApiDeps } from '../deps.js';
import { attributes, body, bool, compact, int, optionalBool, params, query, required, seconds, str } from './iot-registry-support.js';

const tags = ['AWS IoT: things'];

/** AWS IoT things and thing groups (rest-json, service model paths). */
export function iotThingRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { registry } = deps;
  if (registry === undefined) return;
  const { arns } = registry;
  const thingSummary = (t: Thing) => compact({ thingName: t.thingName, thingTypeName: t.thingTypeName, thingArn: arns.thing(t.thingName), attributes: t.attributes, version: t.version });
  const groupSummary = (g: ThingGroup) => ({ groupName: g.groupName, groupArn: arns.thingGroup(g.groupName) });

  app.post('/things/:thingName', { schema: { tags, summary: 'CreateThing' } }, async (request) => {
    const input = body(request);
    const thing = await registry.things.createThing({ thingName: params(request)['thingName'] as string, thingTypeName: str(input, 'thingTypeName'), attributes: attributes(input, 'attributePayload')?.attributes });
    return { thingName: thing.thingName, thingArn: arns.thing(thing.thingName), thingId: thing.thingId };
  });

  app.get('/things/:thingName', { schema: { tags, summary: 'DescribeThing' } }, async (request) => {
    const thing = await registry.things.describeThing(params(request)['thingName'] as string);
    return compact({ defaultClientId: thing.thingName, thingName: thing.thingName, thingId: thing.thingId, thingArn: arns.thing(thing.thingName), thingTypeName: thing.thingTypeName, attributes: thing.attributes, version: thing.version });
  });

  app.get('/things', { schema: { tags, summary: 'ListThings' } }, async (request) => {
    const q = query(request);
    const listed = await registry.things.listThings({ nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults'), thingTypeName: q['thingTypeName'], attributeName: q['attributeName'], attributeValue: q['attributeValue'], usePrefixAttributeValue: bool(q['usePrefixAttributeValue'], 'usePrefixAttributeValue') });
    return compact({ things: listed.items.map(thingSummary), nextToken: listed.nextToken });
  });

  app.patch('/things/:thingName', { schema: { tags, summary: 'UpdateThing' } }, async (request) => {
    const input = body(request);
    const expected = input['expectedVersion'];
    await registry.things.updateThing(params(request)['thingName'] as string, {
      thingTypeName: str(input, 'thingTypeName'),
      removeThingType: optionalBool(input, 'removeThingType'),
      attributePayload: attributes(input, 'attributePayload'),
      expectedVersion: typeof expected === 'number' ? expected : undefined,
    });
    return {};
  });

  app.delete('/things/:thingName', { schema: { tags, summary: 'DeleteThing' } }, async (request) => {
    await registry.things.deleteThing(params(request)['thingName'] as string, int(query(request)['expectedVersion'], 'expectedVersion'));
    return {};
  });

  // Fixed paths first: fastify prefers static segments over parameters anyway.
  app.put('/thing-groups/addThingToThingGroup', { schema: { tags, summary: 'AddThingToThingGroup' } }, async (request) => {
    const input = body(request);
    const { groupName, thingName } = membership(input);
    await registry.things.addThingToGroup(groupName, thingName);
    return {};
  });

  app.put('/thing-groups/removeThingFromThingGroup', { schema: { tags, summary: 'RemoveThingFromThingGroup' } }, async (request) => {
    const { groupName, thingName } = membership(body(request));
    await registry.things.removeThingFromGroup(groupName, thingName);
    return {};
  });

  app.post('/thing-groups/:thingGroupName', { schema: { tags, summary: 'CreateThingGroup' } }, async (request) => {
    const input = body(request);
    const properties = (input['thingGroupProperties'] ?? {}) as Record<string, unknown>;
    const group = await registry.things.createGroup({
      groupName: params(request)['thingGroupName'] as string,
      parentGroupName: str(input, 'parentGroupName'),
      description: str(properties, 'thingGroupDescription'),
      attributes: attributes(properties, 'attributePayload')?.attributes,
    });
    return { thingGroupName: group.groupName, thingGroupArn: arns.thingGroup(group.groupName), thingGroupId: group.groupId };
  });

  app.get('/thing-groups/:thingGroupName', { schema: { tags, summary: 'DescribeThingGroup' } }, async (request) => {
    const group = await registry.things.describeGroup(params(request)['thingGroupName'] as string);
    const chain = await registry.things.ancestors(group);
    return {
      thingGroupName: group.groupName,
      thingGroupId: group.groupId,
      thingGroupArn: arns.thingGroup(group.groupName),
      version: group.version,
      thingGroupProperties: compact({ thingGroupDescription: group.description, attributePayload: { attributes: group.attributes } }),
      thingGroupMetadata: compact({ parentGroupName: group.parentGroupName, rootToParentThingGroups: chain.length === 0 ? undefined : chain.map(groupSummary), creationDate: seconds(group.createdAt) }),
    };
  });

  app.get('/thing-groups', { schema: { tags, summary: 'ListThingGroups' } }, async (request) => {
    const q = query(request);
    const listed = await registry.things.listGroups({ nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults'), parentGroup: q['parentGroup'], namePrefixFilter: q['namePrefixFilter'], recursive: bool(q['recursive'], 'recursive') });
    return compact({ thingGroups: listed.items.map(groupSummary), nextToken: listed.nextToken });
  });

  app.delete('/thing-groups/:thingGroupName', { schema: { tags, summary: 'DeleteThingGroup' } }, async (request) => {
    await registry.things.deleteGroup(params(request)['thingGroupName'] as string, int(query(request)['expectedVersion'], 'expectedVersion'));
    return {};
  });

  app.get('/thing-groups/:thingGroupName/things', { schema: { tags, summary: 'ListThingsInThingGroup' } }, async (request) => {
    const q = query(request);
    const listed = await registry.things.listThingsInGroup(params(request)['thingGroupName'] as string, { recursive: bool(q['recursive'], 'recursive'), nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') });
    return compact({ things: listed.items, nextToken: listed.nextToken });
  });

  app.get('/things/:thingName/thing-groups', { schema: { tags, summary: 'ListThingGroupsForThing' } }, async (request) => {
    const q = query(request);
    const listed = await registry.things.listGroupsForThing(params(request)['thingName'] as string, { nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') });
    return compact({ thingGroups: listed.items.map(groupSummary), nextToken: listed.nextToken });
  });
}

function membership(input: Record<string, unknown>): { groupName: string; thingName: string } {
  const group = str(input, 'thingGroupName') ?? (str(input, 'thingGroupArn') === undefined ? undefined : nameFromArn(str(input, 'thingGroupArn') as string, 'thinggroup'));
  const thing = str(input, 'thingName') ?? (str(input, 'thingArn') === undefined ? undefined : nameFromArn(str(input, 'thingArn') as string, 'thing'));
  return { groupName: group ?? required(input, 'thingGroupName'), thingName: thing ?? required(input, 'thingName') };
}
