import type { FastifyInstance } from 'fastify';
import { pages, unwrap, type CursorPage } from '../../core/index.js';
import { findingJson } from '../../audit/index.js';
import type { Thing, Violation } from '../../model/index.js';
import { listsContract as c, type FleetThing, type ThingConnection } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { activeViolationJson, violationEventJson } from './detect-violations.js';
import { compact } from './iot-registry-support.js';

const tags = ['console'];
/** What each engine call asks for while a list drains its source (the engines' largest page). */
const BATCH = 250;
const DEFAULT_LIMIT = 100;
const DAY_MS = 86_400_000;

/** A page of a whole list: the items from `offset`, and how many there are. */
function slice<T>(all: readonly T[], query: { offset?: number | undefined; limit?: number | undefined }): { items: T[]; offset: number; limit: number; total: number } {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? DEFAULT_LIMIT;
  return { items: all.slice(offset, offset + limit), offset, limit, total: all.length };
}

/** Case-insensitive substring match of `q` in any of `texts` (no `q`: everything matches). */
function matches(q: string | undefined, ...texts: ReadonlyArray<string | undefined>): boolean {
  if (q === undefined || q === '') return true;
  const needle = q.toLowerCase();
  return texts.some((t) => t !== undefined && t.toLowerCase().includes(needle));
}

/** Adapts an engine's `{items, nextToken}` page to a cursor page. */
const cursorPage = <T>(page: { items: readonly T[]; nextToken?: string | undefined }): CursorPage<T> => ({ items: page.items, next: page.nextToken ?? undefined });

/**
 * `/api/v1/lists/*`: the console's lists, each filtered and counted over the whole listing and
 * answered as an offset page with its total (no list stops at a first page). Each request drains the
 * engines' own paged listings, so every filter sees every item.
 */
export function listRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'clock' | 'registry' | 'detect' | 'audit' | 'connections'>): void {
  const app = typed(fastify);
  const { registry, detect, audit, clock } = deps;
  const arns = registry.arns;

  const activeViolations = (filter: { thingName?: string | undefined; securityProfileName?: string | undefined } = {}): Promise<Violation[]> =>
    pages(async (cursor) => cursorPage(unwrap(await detect.violations.listActive({ ...filter, maxResults: BATCH, nextToken: cursor }))));

  /** Connection state of `things`: one scan for the open connections, then the newest connection of each thing not connected. */
  const connectionsOf = async (things: readonly string[]): Promise<Map<string, ThingConnection>> => {
    const out = new Map<string, ThingConnection>();
    const history = deps.connections;
    if (history === undefined) return out;
    const now = clock.now();
    const open = await pages((cursor) => history.list({ from: now, to: now, limit: BATCH, cursor }));
    for (const entry of open) {
      if (entry.thingName === undefined || entry.disconnectedAt !== undefined || out.has(entry.thingName)) continue;
      out.set(entry.thingName, { state: 'CONNECTED', connectedAt: entry.connectedAt, lastSeen: now });
    }
    for (const thingName of things) {
      if (out.has(thingName)) continue;
      const newest = (await history.list({ thingName, limit: 1 })).items[0];
      out.set(thingName, newest === undefined ? { state: 'NEVER' } : compact({ state: 'DISCONNECTED' as const, connectedAt: newest.connectedAt, disconnectedAt: newest.disconnectedAt, disconnectReason: newest.disconnectReason, lastSeen: newest.disconnectedAt }));
    }
    return out;
  };

  app.get('/api/v1/lists/things', { schema: { tags, summary: 'Things with connection state and open violations, filtered, counted and paged', ...c.things } }, async (request) => {
    const q = request.query;
    let things: Thing[] = await pages(async (cursor) => cursorPage(await registry.things.listThings({ maxResults: BATCH, nextToken: cursor })));
    if (q.group !== undefined) {
      const group = q.group;
      const members = new Set(await pages(async (cursor) => cursorPage(await registry.things.listThingsInGroup(group, { recursive: true, maxResults: BATCH, nextToken: cursor }))));
      things = things.filter((t) => members.has(t.thingName));
    }
    things = things.filter((t) => matches(q.q, t.thingName, t.thingTypeName, ...Object.entries(t.attributes ?? {}).map(([k, v]) => `${k}=${v}`)));
    const violations = new Map<string, { count: number; newest: number }>();
    for (const v of await activeViolations()) {
      const seen = violations.get(v.thingName);
      violations.set(v.thingName, { count: (seen?.count ?? 0) + 1, newest: Math.max(seen?.newest ?? 0, v.startTime) });
    }
    if (q.inViolation !== undefined) things = things.filter((t) => violations.has(t.thingName) === q.inViolation);
    if (q.sort === 'violations') things = [...things].sort((a, b) => (violations.get(b.thingName)?.newest ?? 0) - (violations.get(a.thingName)?.newest ?? 0) || a.thingName.localeCompare(b.thingName));
    // The connection filter needs every thing's state; otherwise only the page's things are looked up.
    let connections: Map<string, ThingConnection>;
    if (q.connection !== undefined) {
      connections = await connectionsOf(things.map((t) => t.thingName));
      const wanted = q.connection;
      things = things.filter((t) => connections.get(t.thingName)?.state === wanted);
    }
    const page = slice(things, q);
    if (q.connection === undefined) connections = await connectionsOf(page.items.map((t) => t.thingName));
    const items: FleetThing[] = page.items.map((t) => {
      const v = violations.get(t.thingName);
      return compact({
        thingName: t.thingName,
        thingTypeName: t.thingTypeName,
        thingArn: arns.thing(t.thingName),
        attributes: t.attributes,
        version: t.version,
        connection: connections.get(t.thingName) ?? { state: 'NEVER' as const },
        openViolations: v?.count ?? 0,
        lastViolationTime: v?.newest,
      });
    });
    return { ...page, items };
  });

  app.get('/api/v1/lists/thing-groups', { schema: { tags, summary: 'Thing groups, filtered, counted and paged', ...c.thingGroups } }, async (request) => {
    const q = request.query;
    const groups = await pages(async (cursor) => cursorPage(await registry.things.listGroups({ maxResults: BATCH, nextToken: cursor })));
    const page = slice(groups.filter((g) => matches(q.q, g.groupName)), q);
    return { ...page, items: page.items.map((g) => ({ groupName: g.groupName, groupArn: arns.thingGroup(g.groupName) })) };
  });

  app.get('/api/v1/lists/active-violations', { schema: { tags, summary: 'Active violations (newest first), filtered, counted and paged', ...c.activeViolations } }, async (request) => {
    const q = request.query;
    const all = (await activeViolations({ thingName: q.thingName, securityProfileName: q.securityProfileName })).filter((v) => matches(q.q, v.thingName, v.profileName, v.behavior.name, v.behavior.metric));
    const page = slice(all, q);
    return { ...page, items: page.items.map(activeViolationJson) };
  });

  app.get('/api/v1/lists/violation-events', { schema: { tags, summary: 'Violation events of the last days (newest first), filtered, counted and paged', ...c.violationEvents } }, async (request) => {
    const q = request.query;
    const now = clock.now();
    const range = { startTime: now - (q.days ?? 30) * DAY_MS, endTime: now + 1 };
    const all = await pages(async (cursor) => cursorPage(unwrap(await detect.violations.listEvents({ thingName: q.thingName, ...range, maxResults: BATCH, nextToken: cursor }))));
    const page = slice(all.filter((e) => matches(q.q, e.thingName, e.profileName, e.behavior.name, e.eventType)), q);
    return { ...page, items: page.items.map(violationEventJson) };
  });

  app.get('/api/v1/lists/audit-tasks', { schema: { tags, summary: 'Audit tasks of the last days (newest first), counted and paged', ...c.auditTasks } }, async (request) => {
    const q = request.query;
    const now = clock.now();
    const all = await pages((cursor) => audit.engine.listTasks({ from: now - (q.days ?? 30) * DAY_MS, to: now + 1, limit: BATCH, cursor }));
    const page = slice(all.filter((t) => q.taskStatus === undefined || t.taskStatus === q.taskStatus), q);
    return { ...page, items: page.items.map((t) => ({ taskId: t.taskId, taskStatus: t.taskStatus, taskType: t.taskType })) };
  });

  app.get('/api/v1/lists/audit-findings', { schema: { tags, summary: 'Audit findings of the last days, filtered, counted and paged', ...c.auditFindings } }, async (request) => {
    const q = request.query;
    const now = clock.now();
    const window = q.taskId === undefined ? { from: now - (q.days ?? 30) * DAY_MS, to: now + 1 } : {};
    const all = await pages(async (cursor) => unwrap(await audit.engine.listFindings({ taskId: q.taskId, checkName: q.checkName, ...window, limit: BATCH, cursor })));
    const shown = all.filter((f) => (q.severity === undefined || f.severity === q.severity) && (q.suppressed === undefined || f.isSuppressed === q.suppressed) && matches(q.q, f.checkName, f.reasonForNonCompliance, JSON.stringify(f.nonCompliantResource.resourceIdentifier)));
    const page = slice(shown, q);
    return { ...page, items: page.items.map((f) => findingJson(f)) };
  });
}
