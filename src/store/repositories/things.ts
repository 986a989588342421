import type { Thing, ThingGroup, ThingQuery, ThingStore, ThingType } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import { keysetPage } from '../page-cursor.js';
import type { ThingGroupsTable, ThingsTable, ThingTypesTable } from '../schema.js';

/** Things, thing groups and memberships in the registry database (both dialects). Cursors are the last name returned. */
export function thingRepository({ db }: RegistryDb): ThingStore {
  return {
    async createThing(thing) {
      const result = await db
        .insertInto('things')
        .values({ thing_name: thing.thingName, thing_id: thing.thingId, thing_type_name: thing.thingTypeName ?? null, attributes: toJson(thing.attributes), version: thing.version, created_at: thing.createdAt })
        .onConflict((oc) => oc.column('thing_name').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getThing(thingName) {
      const row = await db.selectFrom('things').selectAll().where('thing_name', '=', thingName).executeTakeFirst();
      return row === undefined ? undefined : toThing(row);
    },
    async listThings(query) {
      const items: Thing[] = [];
      let cursor = query.cursor;
      // Attribute filters read JSON text, so they run here; fetch in batches until the page is full.
      for (;;) {
        let select = db.selectFrom('things').selectAll().orderBy('thing_name').limit(Math.max(query.limit, 100));
        if (cursor !== undefined) select = select.where('thing_name', '>', cursor);
        if (query.thingTypeName !== undefined) select = select.where('thing_type_name', '=', query.thingTypeName);
        const rows = await select.execute();
        for (const row of rows) {
          const thing = toThing(row);
          cursor = thing.thingName;
          if (!matchesAttributes(thing, query)) continue;
          items.push(thing);
          if (items.length === query.limit) return { items, next: await moreThings(db, thing.thingName, query) ? thing.thingName : undefined };
        }
        if (rows.length < Math.max(query.limit, 100)) return { items, next: undefined };
      }
    },
    async updateThing(thing) {
      const result = await db
        .updateTable('things')
        .set({ thing_type_name: thing.thingTypeName ?? null, attributes: toJson(thing.attributes), version: thing.version })
        .where('thing_name', '=', thing.thingName)
        .where('version', '=', thing.version - 1)
        .executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async deleteThing(thingName) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('thing_group_members').where('thing_name', '=', thingName).execute();
        const result = await tx.deleteFrom('things').where('thing_name', '=', thingName).executeTakeFirst();
        return toNumber(result.numDeletedRows) > 0;
      });
    },

    async createGroup(group) {
      const result = await db
        .insertInto('thing_groups')
        .values({ group_name: group.groupName, group_id: group.groupId, parent_group_name: group.parentGroupName ?? null, description: group.description ?? null, attributes: toJson(group.attributes), version: group.version, created_at: group.createdAt })
        .onConflict((oc) => oc.column('group_name').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getGroup(groupName) {
      const row = await db.selectFrom('thing_groups').selectAll().where('group_name', '=', groupName).executeTakeFirst();
      return row === undefined ? undefined : toGroup(row);
    },
    async listGroups(query) {
      let parents: string[] | undefined;
      if (query.parentGroupName !== undefined) {
        parents = [query.parentGroupName];
        if (query.recursive === true) {
          const all = await db.selectFrom('thing_groups').select(['group_name', 'parent_group_name']).execute();
          parents = [query.parentGroupName, ...descendants(query.parentGroupName, all.map((r) => [r.group_name, r.parent_group_name] as const))];
        }
      }
      let select = db.selectFrom('thing_groups').selectAll().orderBy('group_name').limit(query.limit + 1);
      if (query.cursor !== undefined) select = select.where('group_name', '>', query.cursor);
      if (query.namePrefix !== undefined) select = select.where('group_name', '>=', query.namePrefix).where('group_name', '<', `${query.namePrefix}\uffff`);
      if (parents !== undefined) select = select.where('parent_group_name', 'in', parents);
      const rows = await select.execute();
      return keysetPage(rows.map(toGroup), query.limit, (g) => g.groupName);
    },
    async createThingType(type) {
      const result = await db
        .insertInto('thing_types')
        .values({ type_name: type.thingTypeName, type_id: type.thingTypeId, description: type.description ?? null, searchable_attributes: toJson(type.searchableAttributes), deprecated: type.deprecated ? 1 : 0, deprecated_at: type.deprecatedAt ?? null, created_at: type.createdAt })
        .onConflict((oc) => oc.column('type_name').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getThingType(thingTypeName) {
      const row = await db.selectFrom('thing_types').selectAll().where('type_name', '=', thingTypeName).executeTakeFirst();
      return row === undefined ? undefined : toThingType(row);
    },
    async listThingTypes(query) {
      let select = db.selectFrom('thing_types').selectAll().orderBy('type_name').limit(query.limit + 1);
      if (query.thingTypeName !== undefined) select = select.where('type_name', '=', query.thingTypeName);
      if (query.cursor !== undefined) select = select.where('type_name', '>', query.cursor);
      const rows = await select.execute();
      return keysetPage(rows.map(toThingType), query.limit, (t) => t.thingTypeName);
    },
    async setThingTypeDeprecated(thingTypeName, deprecatedAt) {
      const result = await db
        .updateTable('thing_types')
        .set({ deprecated: deprecatedAt === undefined ? 0 : 1, deprecated_at: deprecatedAt ?? null })
        .where('type_name', '=', thingTypeName)
        .executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },

    async deleteThingType(thingTypeName) {
      const result = await db.deleteFrom('thing_types').where('type_name', '=', thingTypeName).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },

    async updateGroup(group) {
      const result = await db
        .updateTable('thing_groups')
        .set({ description: group.description ?? null, attributes: toJson(group.attributes), version: group.version })
        .where('group_name', '=', group.groupName)
        .where('version', '=', group.version - 1)
        .executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async deleteGroup(groupName) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('thing_group_members').where('group_name', '=', groupName).execute();
        const result = await tx.deleteFrom('thing_groups').where('group_name', '=', groupName).executeTakeFirst();
        return toNumber(result.numDeletedRows) > 0;
      });
    },

    async addMember(groupName, thingName, now) {
      const result = await db
        .insertInto('thing_group_members')
        .values({ group_name: groupName, thing_name: thingName, added_at: now })
        .onConflict((oc) => oc.columns(['group_name', 'thing_name']).doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async removeMember(groupName, thingName) {
      const result = await db.deleteFrom('thing_group_members').where('group_name', '=', groupName).where('thing_name', '=', thingName).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
    async groupsOfThing(thingName) {
      const rows = await db.selectFrom('thing_group_members').select('group_name').where('thing_name', '=', thingName).orderBy('group_name').execute();
      return rows.map((r) => r.group_name);
    },
    async membersOf(groupNames, request) {
      if (groupNames.length === 0) return { items: [], next: undefined };
      let select = db.selectFrom('thing_group_members').select('thing_name').distinct().where('group_name', 'in', [...groupNames]).orderBy('thing_name').limit(request.limit + 1);
      if (request.cursor !== undefined) select = select.where('thing_name', '>', request.cursor);
      const rows = await select.execute();
      return keysetPage(rows.map((r) => r.thing_name), request.limit, (name) => name);
    },
  };
}

/** Every descendant of `root` (children first, then theirs), given [name, parent] pairs. */
export function descendants(root: string, pairs: ReadonlyArray<readonly [string, string | null]>): string[] {
  const out: string[] = [];
  const seen = new Set([root]);
  let frontier = [root];
  while (frontier.length > 0) {
    const parents = new Set(frontier);
    frontier = pairs.filter(([name, parent]) => parent !== null && parents.has(parent) && !seen.has(name)).map(([name]) => name);
    for (const name of frontier) seen.add(name);
    out.push(...frontier);
  }
  return out;
}

async function moreThings(db: RegistryDb['db'], after: string, query: ThingQuery): Promise<boolean> {
  let cursor = after;
  for (;;) {
    let select = db.selectFrom('things').selectAll().where('thing_name', '>', cursor).orderBy('thing_name').limit(100);
    if (query.thingTypeName !== undefined) select = select.where('thing_type_name', '=', query.thingTypeName);
    const rows = await select.execute();
    for (const row of rows) {
      if (matchesAttributes(toThing(row), query)) return true;
      cursor = row.thing_name;
    }
    if (rows.length < 100) return false;
  }
}

function matchesAttributes(thing: Thing, query: ThingQuery): boolean {
  if (query.attributeName === undefined) return true;
  const value = thing.attributes[query.attributeName];
  if (value === undefined) return false;
  if (query.attributeValue === undefined) return true;
  return query.usePrefixAttributeValue === true ? value.startsWith(query.attributeValue) : value === query.attributeValue;
}

function toThing(row: ThingsTable): Thing {
  return { thingName: row.thing_name, thingId: row.thing_id, thingTypeName: row.thing_type_name ?? undefined, attributes: fromJson(row.attributes, {}), version: toNumber(row.version), createdAt: toNumber(row.created_at) };
}

function toGroup(row: ThingGroupsTable): ThingGroup {
  return {
    groupName: row.group_name,
    groupId: row.group_id,
    parentGroupName: row.parent_group_name ?? undefined,
    description: row.description ?? undefined,
    attributes: fromJson(row.attributes, {}),
    version: toNumber(row.version),
    createdAt: toNumber(row.created_at),
  };
}

function toThingType(row: ThingTypesTable): ThingType {
  return {
    thingTypeName: row.type_name,
    thingTypeId: row.type_id,
    description: row.description ?? undefined,
    searchableAttributes: fromJson(row.searchable_attributes, []),
    deprecated: toNumber(row.deprecated) === 1,
    deprecatedAt: row.deprecated_at === null ? undefined : toNumber(row.deprecated_at),
    createdAt: toNumber(row.created_at),
  };
}
