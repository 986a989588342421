import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import type { Thing, ThingGroup, ThingType } from '../../model/index.js';
import { nameFromArn } from '../../protocol/index.js';
import { registryContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { compact, resourceTags, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT: things'];

/** AWS IoT things and thing groups (rest-json, service model paths). */
export function iotThingRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'registry'>): void {
  const app = typed(fastify);
  const { registry } = deps;
  const { arns } = registry;
  const thingSummary = (t: Thing) => compact({ thingName: t.thingName, thingTypeName: t.thingTypeName, thingArn: arns.thing(t.thingName), attributes: t.attributes, version: t.version });
  const groupSummary = (g: ThingGroup) => ({ groupName: g.groupName, groupArn: arns.thingGroup(g.groupName) });

  app.post('/things/:thingName', { schema: { tags, summary: 'CreateThing', ...c.createThing } }, async (request) => {
    const input = request.body;
    const thing = await registry.things.createThing({ thingName: request.params.thingName, thingTypeName: input.thingTypeName, attributes: input.attributePayload?.attributes });
    return { thingName: thing.thingName, thingArn: arns.thing(thing.thingName), thingId: thing.thingId };
  });

  app.get('/things/:thingName', { schema: { tags, summary: 'DescribeThing', ...c.describeThing } }, async (request) => {
    const thing = await registry.things.describeThing(request.params.thingName);
    return compact({ defaultClientId: thing.thingName, thingName: thing.thingName, thingId: thing.thingId, thingArn: arns.thing(thing.thingName), thingTypeName: thing.thingTypeName, attributes: thing.attributes, version: thing.version });
  });

  app.get('/things', { schema: { tags, summary: 'ListThings', ...c.listThings } }, async (request) => {
    const listed = await registry.things.listThings(request.query);
    return compact({ things: listed.items.map(thingSummary), nextToken: listed.nextToken });
  });

  app.patch('/things/:thingName', { schema: { tags, summary: 'UpdateThing', ...c.updateThing } }, async (request) => {
    const input = request.body;
    const payload = input.attributePayload;
    await registry.things.updateThing(request.params.thingName, {
      thingTypeName: input.thingTypeName,
      removeThingType: input.removeThingType,
      attributePayload: payload === undefined ? undefined : { ...(payload.attributes === undefined ? {} : { attributes: payload.attributes }), ...(payload.merge === undefined ? {} : { merge: payload.merge }) },
      expectedVersion: input.expectedVersion,
    });
    return {};
  });

  app.delete('/things/:thingName', { schema: { tags, summary: 'DeleteThing', ...c.deleteThing } }, async (request) => {
    await registry.things.deleteThing(request.params.thingName, request.query.expectedVersion);
    return {};
  });

  // Fixed paths first: fastify prefers static segments over parameters anyway.
  app.put('/thing-groups/addThingToThingGroup', { schema: { tags, summary: 'AddThingToThingGroup', ...c.addThingToThingGroup } }, async (request) => {
    const { groupName, thingName } = membership(request.body);
    await registry.things.addThingToGroup(groupName, thingName);
    return {};
  });

  app.put('/thing-groups/removeThingFromThingGroup', { schema: { tags, summary: 'RemoveThingFromThingGroup', ...c.removeThingFromThingGroup } }, async (request) => {
    const { groupName, thingName } = membership(request.body);
    await registry.things.removeThingFromGroup(groupName, thingName);
    return {};
  });

  app.post('/thing-groups/:thingGroupName', { schema: { tags, summary: 'CreateThingGroup', ...c.createThingGroup } }, async (request) => {
    const input = request.body;
    const properties = input.thingGroupProperties;
    const tagged = resourceTags(input.tags);
    registry.tags.checkTags(tagged);
    const group = await registry.things.createGroup({ groupName: request.params.thingGroupName, parentGroupName: input.parentGroupName, description: properties?.thingGroupDescription, attributes: properties?.attributePayload?.attributes });
    await registry.tags.tagCreated(arns.thingGroup(group.groupName), tagged);
    return { thingGroupName: group.groupName, thingGroupArn: arns.thingGroup(group.groupName), thingGroupId: group.groupId };
  });

  app.get('/thing-groups/:thingGroupName', { schema: { tags, summary: 'DescribeThingGroup', ...c.describeThingGroup } }, async (request) => {
    const group = await registry.things.describeGroup(request.params.thingGroupName);
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

  app.get('/thing-groups', { schema: { tags, summary: 'ListThingGroups', ...c.listThingGroups } }, async (request) => {
    const listed = await registry.things.listGroups(request.query);
    return compact({ thingGroups: listed.items.map(groupSummary), nextToken: listed.nextToken });
  });

  app.post('/thing-types/:thingTypeName', { schema: { tags, summary: 'CreateThingType', ...c.createThingType } }, async (request) => {
    const properties = request.body.thingTypeProperties;
    const tagged = resourceTags(request.body.tags);
    registry.tags.checkTags(tagged);
    const type = await registry.things.createThingType({ thingTypeName: request.params.thingTypeName, description: properties?.thingTypeDescription, searchableAttributes: properties?.searchableAttributes });
    await registry.tags.tagCreated(arns.iot(`thingtype/${type.thingTypeName}`), tagged);
    return { thingTypeName: type.thingTypeName, thingTypeArn: arns.iot(`thingtype/${type.thingTypeName}`), thingTypeId: type.thingTypeId };
  });

  app.get('/thing-types/:thingTypeName', { schema: { tags, summary: 'DescribeThingType', ...c.describeThingType } }, async (request) => {
    const type = await registry.things.describeThingType(request.params.thingTypeName);
    return { thingTypeName: type.thingTypeName, thingTypeId: type.thingTypeId, thingTypeArn: arns.iot(`thingtype/${type.thingTypeName}`), ...thingTypeView(type) };
  });

  app.get('/thing-types', { schema: { tags, summary: 'ListThingTypes', ...c.listThingTypes } }, async (request) => {
    const listed = await registry.things.listThingTypes({ nextToken: request.query.nextToken, maxResults: request.query.maxResults, thingTypeName: request.query.thingTypeName });
    return compact({ thingTypes: listed.items.map((t) => ({ thingTypeName: t.thingTypeName, thingTypeArn: arns.iot(`thingtype/${t.thingTypeName}`), ...thingTypeView(t) })), nextToken: listed.nextToken });
  });

  app.delete('/thing-types/:thingTypeName', { schema: { tags, summary: 'DeleteThingType', ...c.deleteThingType } }, async (request) => {
    await registry.things.deleteThingType(request.params.thingTypeName);
    return {};
  });

  app.post('/thing-types/:thingTypeName/deprecate', { schema: { tags, summary: 'DeprecateThingType', ...c.deprecateThingType } }, async (request) => {
    await registry.things.deprecateThingType(request.params.thingTypeName, request.body.undoDeprecate === true);
    return {};
  });

  app.patch('/thing-groups/:thingGroupName', { schema: { tags, summary: 'UpdateThingGroup', ...c.updateThingGroup } }, async (request) => {
    const properties = request.body.thingGroupProperties;
    const updated = await registry.things.updateGroup(request.params.thingGroupName, { description: properties.thingGroupDescription, attributePayload: properties.attributePayload, expectedVersion: request.body.expectedVersion });
    return { version: updated.version };
  });

  app.delete('/thing-groups/:thingGroupName', { schema: { tags, summary: 'DeleteThingGroup', ...c.deleteThingGroup } }, async (request) => {
    await registry.things.deleteGroup(request.params.thingGroupName, request.query.expectedVersion);
    return {};
  });

  app.get('/thing-groups/:thingGroupName/things', { schema: { tags, summary: 'ListThingsInThingGroup', ...c.listThingsInThingGroup } }, async (request) => {
    const listed = await registry.things.listThingsInGroup(request.params.thingGroupName, request.query);
    return compact({ things: listed.items, nextToken: listed.nextToken });
  });

  app.get('/things/:thingName/thing-groups', { schema: { tags, summary: 'ListThingGroupsForThing', ...c.listThingGroupsForThing } }, async (request) => {
    const listed = await registry.things.listGroupsForThing(request.params.thingName, request.query);
    return compact({ thingGroups: listed.items.map(groupSummary), nextToken: listed.nextToken });
  });
}

/** A membership names the group and the thing by name or ARN. */
function membership(input: { thingGroupName?: string | undefined; thingGroupArn?: string | undefined; thingName?: string | undefined; thingArn?: string | undefined }): { groupName: string; thingName: string } {
  const group = input.thingGroupName ?? (input.thingGroupArn === undefined ? undefined : nameFromArn(input.thingGroupArn, 'thinggroup'));
  const thing = input.thingName ?? (input.thingArn === undefined ? undefined : nameFromArn(input.thingArn, 'thing'));
  if (group === undefined || group === '') throw new VigilError('api.invalid_request', 'thingGroupName is required');
  if (thing === undefined || thing === '') throw new VigilError('api.invalid_request', 'thingName is required');
  return { groupName: group, thingName: thing };
}

function thingTypeView(type: ThingType) {
  return {
    thingTypeProperties: compact({ thingTypeDescription: type.description, searchableAttributes: [...type.searchableAttributes] }),
    thingTypeMetadata: compact({ deprecated: type.deprecated, deprecationDate: type.deprecatedAt === undefined ? undefined : seconds(type.deprecatedAt), creationDate: seconds(type.createdAt) }),
  };
}
