import { pages } from '../core/index.js';
import type { ThingStore } from '../model/index.js';

/** Every group below `groupName` (children, their children, …). */
export async function descendantsOf(things: ThingStore, groupName: string): Promise<string[]> {
  const groups = await pages((cursor) => things.listGroups({ limit: 250, cursor, parentGroupName: groupName, recursive: true }));
  return groups.map((g) => g.groupName);
}

/** The groups whose policies apply to a thing: its direct groups and all their ancestors. */
export async function effectiveGroupsOf(things: ThingStore, thingName: string): Promise<string[]> {
  const out = new Set<string>();
  for (const direct of await things.groupsOfThing(thingName)) {
    let name: string | undefined = direct;
    while (name !== undefined && !out.has(name)) {
      out.add(name);
      name = (await things.getGroup(name))?.parentGroupName;
    }
  }
  return [...out];
}
