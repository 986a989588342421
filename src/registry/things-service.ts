import { randomUUID } from 'node:crypto';
import { VigilError } from '../core/index.js';
import type { Thing, ThingGroup, ThingType } from '../model/index.js';
import { arns } from '../protocol/index.js';
import { descendantsOf, effectiveGroupsOf } from './groups.js';
import { checkAttributes, checkThingName, pageRequest, tokenOf, type RegistryDeps } from './support.js';

/** AWS limits: a thing is in at most 10 groups; groups nest at most 7 deep. */
const MAX_GROUPS_PER_THING = 10;
const MAX_GROUP_DEPTH = 7;

export interface AttributePayload {
  readonly attributes?: Readonly<Record<string, string>> | undefined;
  /** Merge into the existing attributes (an empty value removes one) instead of replacing them. */
  readonly merge?: boolean | undefined;
}

export interface Listed<T> {
  readonly items: readonly T[];
  readonly nextToken: string | undefined;
}

export type ThingsService = ReturnType<typeof thingsService>;

/** Things, thing groups and memberships (CreateThing … ListThingGroupsForThing). */
/** AWS: a thing type can be deleted 5 minutes after it was deprecated. */
export const THING_TYPE_DELETE_DELAY_MS = 5 * 60_000;

export function thingsService(deps: RegistryDeps) {
  const { things } = deps;
  const changed = (resource: string, operation: string, fields: Record<string, unknown>) => deps.telemetry.emit('registry_changed', { resource, operation }, fields);

  async function requireThing(thingName: string): Promise<Thing> {
    const thing = await things.getThing(thingName);
    if (thing === undefined) throw new VigilError('thing.not_found', `no thing named ${thingName}`, { hint: 'list things with `vigil thing list`' });
    return thing;
  }

  async function requireThingType(thingTypeName: string): Promise<ThingType> {
    const type = await things.getThingType(thingTypeName);
    if (type === undefined) throw new VigilError('thing_type.not_found', `no thing type named ${thingTypeName}`, { hint: 'list thing types with ListThingTypes' });
    return type;
  }

  /** AWS: a deprecated thing type takes no new things. An unknown type is still stored as given (things created before thing types existed). */
  async function refuseDeprecatedType(thingTypeName: string): Promise<void> {
    const type = await things.getThingType(thingTypeName);
    if (type?.deprecated === true) throw new VigilError('thing.invalid_request', `thing type ${thingTypeName} is deprecated: no new thing may take it`, { hint: 'undo with DeprecateThingType undoDeprecate, or use another type' });
  }

  async function requireGroup(groupName: string): Promise<ThingGroup> {
    const group = await things.getGroup(groupName);
    if (group === undefined) throw new VigilError('thing_group.not_found', `no thing group named ${groupName}`);
    return group;
  }

  async function ancestors(group: ThingGroup): Promise<ThingGroup[]> {
    const chain: ThingGroup[] = [];
    let parent = group.parentGroupName;
    while (parent !== undefined && chain.length <= MAX_GROUP_DEPTH) {
      const found = await things.getGroup(parent);
      if (found === undefined) break;
      chain.unshift(found);
      parent = found.parentGroupName;
    }
    return chain;
  }

  return {
    requireThing,
    requireGroup,
    ancestors,

    /** The groups that apply to a thing (its direct groups and their ancestors); undefined for a thing not registered. */
    async effectiveGroupsOf(thingName: string): Promise<string[] | undefined> {
      if ((await things.getThing(thingName)) === undefined) return undefined;
      return effectiveGroupsOf(things, thingName);
    },

    /** Every group below `groupName`. */
    descendantsOf: (groupName: string): Promise<string[]> => descendantsOf(things, groupName),

    async groupExists(groupName: string): Promise<boolean> {
      return (await things.getGroup(groupName)) !== undefined;
    },

    async createThing(input: { thingName: string; thingTypeName?: string | undefined; attributes?: Readonly<Record<string, string>> | undefined }): Promise<Thing> {
      checkThingName(input.thingName);
      if (input.thingTypeName !== undefined) await refuseDeprecatedType(input.thingTypeName);
      const attributes = { ...(input.attributes ?? {}) };
      checkAttributes(attributes);
      const thing: Thing = { thingName: input.thingName, thingId: randomUUID(), thingTypeName: input.thingTypeName, attributes, version: 1, createdAt: deps.clock.now() };
      if (!(await things.createThing(thing))) {
        const existing = await requireThing(input.thingName);
        // AWS: creating an identical thing again succeeds and returns the existing one.
        if (existing.thingTypeName === thing.thingTypeName && JSON.stringify(sorted(existing.attributes)) === JSON.stringify(sorted(attributes))) return existing;
        throw new VigilError('thing.already_exists', `thing ${input.thingName} already exists with a different configuration`, { details: { resourceId: existing.thingId } });
      }
      changed('thing', 'create', { thingName: thing.thingName });
      return thing;
    },

    describeThing: requireThing,

    async listThings(query: { nextToken?: string | undefined; maxResults?: number | undefined; thingTypeName?: string | undefined; attributeName?: string | undefined; attributeValue?: string | undefined; usePrefixAttributeValue?: boolean | undefined }): Promise<Listed<Thing>> {
      const page = await things.listThings({ ...pageRequest(query.nextToken, query.maxResults), thingTypeName: query.thingTypeName, attributeName: query.attributeName, attributeValue: query.attributeValue, usePrefixAttributeValue: query.usePrefixAttributeValue });
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    async updateThing(thingName: string, input: { thingTypeName?: string | undefined; removeThingType?: boolean | undefined; attributePayload?: AttributePayload | undefined; expectedVersion?: number | undefined }): Promise<Thing> {
      const thing = await requireThing(thingName);
      if (input.expectedVersion !== undefined && input.expectedVersion !== thing.version) {
        throw new VigilError('thing.version_conflict', `thing ${thingName} is at version ${thing.version}, not ${input.expectedVersion}`);
      }
      if (input.removeThingType === true && input.thingTypeName !== undefined) throw new VigilError('thing.invalid_request', 'removeThingType and thingTypeName cannot be used together');
      if (input.thingTypeName !== undefined && input.thingTypeName !== thing.thingTypeName) await refuseDeprecatedType(input.thingTypeName);
      const attributes = applyPayload(thing.attributes, input.attributePayload);
      checkAttributes(attributes);
      const updated: Thing = {
        ...thing,
        thingTypeName: input.removeThingType === true ? undefined : (input.thingTypeName ?? thing.thingTypeName),
        attributes,
        version: thing.version + 1,
      };
      if (!(await things.updateThing(updated))) throw new VigilError('thing.version_conflict', `thing ${thingName} changed concurrently; retry`);
      changed('thing', 'update', { thingName });
      deps.events.publish({ kind: 'thing', thingName });
      return updated;
    },

    async deleteThing(thingName: string, expectedVersion?: number): Promise<void> {
      const thing = await things.getThing(thingName);
      if (thing === undefined) return; // AWS: deleting a missing thing succeeds
      if (expectedVersion !== undefined && expectedVersion !== thing.version) throw new VigilError('thing.version_conflict', `thing ${thingName} is at version ${thing.version}, not ${expectedVersion}`);
      const principals = await deps.certificates.principalsOfThing(thingName, { limit: 1 });
      if (principals.items.length > 0) {
        throw new VigilError('thing.invalid_delete', `cannot delete thing ${thingName}: it is still attached to one or more principals`, { hint: 'detach its certificates first (DetachThingPrincipal)' });
      }
      await things.deleteThing(thingName);
      await deps.tags.deleteTags(arns(deps.region, deps.accountId).thing(thingName));
      changed('thing', 'delete', { thingName });
      deps.events.publish({ kind: 'thing', thingName });
    },

    async createGroup(input: { groupName: string; parentGroupName?: string | undefined; description?: string | undefined; attributes?: Readonly<Record<string, string>> | undefined }): Promise<ThingGroup> {
      checkThingName(input.groupName, 'thing group name');
      const attributes = { ...(input.attributes ?? {}) };
      checkAttributes(attributes);
      if (input.parentGroupName !== undefined) {
        const parent = await requireGroup(input.parentGroupName);
        if ((await ancestors(parent)).length + 2 > MAX_GROUP_DEPTH) throw new VigilError('thing_group.invalid_depth', `thing groups nest at most ${MAX_GROUP_DEPTH} levels deep`);
      }
      const group: ThingGroup = { groupName: input.groupName, groupId: randomUUID(), parentGroupName: input.parentGroupName, description: input.description, attributes, version: 1, createdAt: deps.clock.now() };
      if (!(await things.createGroup(group))) {
        const existing = await requireGroup(input.groupName);
        if (existing.parentGroupName === group.parentGroupName && existing.description === group.description && JSON.stringify(sorted(existing.attributes)) === JSON.stringify(sorted(attributes))) return existing;
        throw new VigilError('thing_group.already_exists', `thing group ${input.groupName} already exists with a different configuration`, { details: { resourceId: existing.groupId } });
      }
      changed('thing_group', 'create', { groupName: group.groupName });
      return group;
    },

    describeGroup: requireGroup,

    /** CreateThingType: an identical one again succeeds (as CreateThing); a different one is ResourceAlreadyExists. */
    async createThingType(input: { thingTypeName: string; description?: string | undefined; searchableAttributes?: readonly string[] | undefined }): Promise<ThingType> {
      checkThingName(input.thingTypeName, 'thing type name');
      const searchableAttributes = [...(input.searchableAttributes ?? [])];
      if (searchableAttributes.length > 3) throw new VigilError('thing.invalid_request', `a thing type has at most 3 searchable attributes (got ${searchableAttributes.length})`);
      const type: ThingType = { thingTypeName: input.thingTypeName, thingTypeId: randomUUID(), description: input.description, searchableAttributes, deprecated: false, deprecatedAt: undefined, createdAt: deps.clock.now() };
      if (!(await things.createThingType(type))) {
        const existing = await requireThingType(input.thingTypeName);
        if (existing.description === type.description && JSON.stringify(existing.searchableAttributes) === JSON.stringify(searchableAttributes)) return existing;
        throw new VigilError('thing_type.already_exists', `thing type ${input.thingTypeName} already exists with a different configuration`, { details: { resourceId: existing.thingTypeId } });
      }
      changed('thing_type', 'create', { thingTypeName: type.thingTypeName });
      return type;
    },

    describeThingType: requireThingType,

    async listThingTypes(query: { nextToken?: string | undefined; maxResults?: number | undefined; thingTypeName?: string | undefined }): Promise<Listed<ThingType>> {
      const page = await things.listThingTypes({ ...pageRequest(query.nextToken, query.maxResults), thingTypeName: query.thingTypeName });
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    /** DeprecateThingType (undoDeprecate clears it): things keep the type; no new thing may take it. */
    async deprecateThingType(thingTypeName: string, undo: boolean): Promise<void> {
      await requireThingType(thingTypeName);
      await things.setThingTypeDeprecated(thingTypeName, undo ? undefined : deps.clock.now());
      changed('thing_type', undo ? 'undeprecate' : 'deprecate', { thingTypeName });
    },

    /**
     * DeleteThingType: AWS allows it only for a type deprecated at least 5 minutes ago that no thing
     * still has; its tags go with it.
     */
    async deleteThingType(thingTypeName: string): Promise<void> {
      const type = await requireThingType(thingTypeName);
      if (!type.deprecated || type.deprecatedAt === undefined) throw new VigilError('thing.invalid_request', `thing type ${thingTypeName} is not deprecated: deprecate it, wait ${THING_TYPE_DELETE_DELAY_MS / 60_000} minutes, then delete it`, { hint: 'DeprecateThingType (vigil thing type deprecate)' });
      const wait = type.deprecatedAt + THING_TYPE_DELETE_DELAY_MS - deps.clock.now();
      if (wait > 0) throw new VigilError('thing.invalid_request', `thing type ${thingTypeName} was deprecated less than ${THING_TYPE_DELETE_DELAY_MS / 60_000} minutes ago: delete it in ${Math.ceil(wait / 1000)} s`);
      const using = await things.listThings({ limit: 1, thingTypeName });
      if (using.items.length > 0) throw new VigilError('thing.invalid_request', `thing type ${thingTypeName} is still used by thing ${using.items[0]?.thingName} (and maybe others)`, { hint: 'remove the type from its things first (UpdateThing removeThingType)' });
      await things.deleteThingType(thingTypeName);
      await deps.tags.deleteTags(arns(deps.region, deps.accountId).iot(`thingtype/${thingTypeName}`));
      changed('thing_type', 'delete', { thingTypeName });
    },

    /** UpdateThingGroup: description and attributes (merge or replace, as UpdateThing); the version goes up by one. */
    async updateGroup(groupName: string, input: { description?: string | undefined; attributePayload?: AttributePayload | undefined; expectedVersion?: number | undefined }): Promise<ThingGroup> {
      const group = await requireGroup(groupName);
      if (input.expectedVersion !== undefined && input.expectedVersion !== group.version) {
        throw new VigilError('thing_group.version_conflict', `thing group ${groupName} is at version ${group.version}, not ${input.expectedVersion}`);
      }
      const attributes = applyPayload(group.attributes, input.attributePayload);
      checkAttributes(attributes);
      const updated: ThingGroup = { ...group, description: input.description ?? group.description, attributes, version: group.version + 1 };
      if (!(await things.updateGroup(updated))) throw new VigilError('thing_group.version_conflict', `thing group ${groupName} changed concurrently; retry`);
      changed('thing_group', 'update', { groupName });
      return updated;
    },

    async listGroups(query: { nextToken?: string | undefined; maxResults?: number | undefined; parentGroup?: string | undefined; namePrefixFilter?: string | undefined; recursive?: boolean | undefined }): Promise<Listed<ThingGroup>> {
      if (query.parentGroup !== undefined) await requireGroup(query.parentGroup);
      const page = await things.listGroups({ ...pageRequest(query.nextToken, query.maxResults), parentGroupName: query.parentGroup, namePrefix: query.namePrefixFilter, recursive: query.recursive });
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    async deleteGroup(groupName: string, expectedVersion?: number): Promise<void> {
      const group = await things.getGroup(groupName);
      if (group === undefined) return;
      if (expectedVersion !== undefined && expectedVersion !== group.version) throw new VigilError('thing_group.version_conflict', `thing group ${groupName} is at version ${group.version}, not ${expectedVersion}`);
      const children = await things.listGroups({ limit: 1, parentGroupName: groupName });
      if (children.items.length > 0) throw new VigilError('thing_group.delete_conflict', `thing group ${groupName} has child groups`, { hint: 'delete the child groups first' });
      await deps.policies.detachTarget({ kind: 'thinggroup', id: groupName });
      await things.deleteGroup(groupName);
      await deps.tags.deleteTags(arns(deps.region, deps.accountId).thingGroup(groupName));
      changed('thing_group', 'delete', { groupName });
      deps.events.publish({ kind: 'membership', groupName });
    },

    async addThingToGroup(groupName: string, thingName: string): Promise<void> {
      await requireGroup(groupName);
      await requireThing(thingName);
      const current = await things.groupsOfThing(thingName);
      if (current.includes(groupName)) return;
      if (current.length >= MAX_GROUPS_PER_THING) throw new VigilError('thing.invalid_group_count', `thing ${thingName} is already in ${MAX_GROUPS_PER_THING} groups (the limit)`);
      await things.addMember(groupName, thingName, deps.clock.now());
      changed('thing_group', 'add_thing', { groupName, thingName });
      deps.events.publish({ kind: 'membership', groupName, thingName });
    },

    async removeThingFromGroup(groupName: string, thingName: string): Promise<void> {
      await requireGroup(groupName);
      await requireThing(thingName);
      if (await things.removeMember(groupName, thingName)) {
        changed('thing_group', 'remove_thing', { groupName, thingName });
        deps.events.publish({ kind: 'membership', groupName, thingName });
      }
    },

    async listThingsInGroup(groupName: string, query: { recursive?: boolean | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Listed<string>> {
      await requireGroup(groupName);
      const groups = query.recursive === true ? [groupName, ...(await descendantsOf(things, groupName))] : [groupName];
      const page = await things.membersOf(groups, pageRequest(query.nextToken, query.maxResults));
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    async listGroupsForThing(thingName: string, query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Listed<ThingGroup>> {
      await requireThing(thingName);
      const request = pageRequest(query.nextToken, query.maxResults);
      const names = (await things.groupsOfThing(thingName)).filter((n) => request.cursor === undefined || n > request.cursor);
      const groups: ThingGroup[] = [];
      for (const name of names.slice(0, request.limit)) {
        const group = await things.getGroup(name);
        if (group !== undefined) groups.push(group);
      }
      return { items: groups, nextToken: names.length > request.limit ? tokenOf(names[request.limit - 1]) : undefined };
    },
  };
}

function applyPayload(current: Readonly<Record<string, string>>, payload: AttributePayload | undefined): Record<string, string> {
  if (payload?.attributes === undefined) return { ...current };
  if (payload.merge !== true) return { ...payload.attributes };
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(payload.attributes)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function sorted(record: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}
