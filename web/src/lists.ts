import type { ActiveViolation, AuditFindingView, AuditTaskItem, FleetThing, ListPage, ThingGroupItem, ViolationEvent, listsContract } from '../../src/api/contract/index.js';
import type { Static } from 'typebox';
import { api } from './api';

/** The console's lists (`/api/v1/lists/*`): offset pages with the total their filters match. */
export type { ListPage, FleetThing, ThingGroupItem, AuditTaskItem };

type Contract = typeof listsContract;
type Query<K extends keyof Contract> = Static<Contract[K]['querystring']>;

const PATHS = {
  things: 'things',
  thingGroups: 'thing-groups',
  activeViolations: 'active-violations',
  violationEvents: 'violation-events',
  auditTasks: 'audit-tasks',
  auditFindings: 'audit-findings',
} as const satisfies Record<keyof Contract, string>;

interface Items {
  things: FleetThing;
  thingGroups: ThingGroupItem;
  activeViolations: ActiveViolation;
  violationEvents: ViolationEvent;
  auditTasks: AuditTaskItem;
  auditFindings: AuditFindingView;
}

/** One page of a list; empty filters are left out. */
export function listPage<K extends keyof Contract>(kind: K, query: Query<K>, options: { signal?: AbortSignal } = {}): Promise<ListPage<Items[K]>> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) if (v !== undefined && v !== '') params.set(k, String(v));
  const text = params.toString();
  return api<ListPage<Items[K]>>('GET', `/api/v1/lists/${PATHS[kind]}${text === '' ? '' : `?${text}`}`, undefined, options);
}

/** Every item of a list (for pickers that need them all, e.g. the group filter), page after page. */
export async function listAll<K extends keyof Contract>(kind: K, query: Query<K>): Promise<Array<Items[K]>> {
  const out: Array<Items[K]> = [];
  for (;;) {
    const page = await listPage(kind, { ...query, offset: out.length, limit: 1000 } as Query<K>);
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

/**
 * Every item of an AWS-shaped list route, following its `nextToken` / `nextMarker` (the console's
 * own lists are `listPage`/`listAll`). `path` carries the page size; the token goes in `tokenParam`.
 */
export async function awsAll<T>(path: string, key: string, tokenParam: 'nextToken' | 'marker' = 'nextToken'): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await api<Record<string, unknown>>('GET', `${path}${token === undefined ? '' : `&${tokenParam}=${encodeURIComponent(token)}`}`);
    out.push(...((page[key] as T[] | undefined) ?? []));
    token = (page['nextToken'] ?? page['nextMarker']) as string | undefined;
  } while (token !== undefined && token !== '');
  return out;
}
