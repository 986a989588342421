import { Type, type Static, type TSchema } from 'typebox';
import { contract, List, vigilErrors } from './common.js';
import { ActiveViolation, ViolationEvent } from './detect.js';
import { AuditFindingView } from './audit.js';
import { ThingSummary } from './registry.js';

// The console's lists (`/api/v1/lists/*`): offset pages with the total the filters match, so a
// list of any length pages to its last item and says how many there are. The AWS-shaped routes
// page by nextToken and never count; these answer the same items.
const strict = { additionalProperties: false } as const;

/** The paging members every list takes. */
const Paging = {
  offset: Type.Optional(Type.Integer({ minimum: 0, description: 'items to skip (default 0)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'items per page, 1 to 1000 (default 100)' })),
};
const Days = Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'how many days back (default 30)' }));
const Text = Type.Optional(Type.String({ maxLength: 256, description: 'case-insensitive substring filter' }));

/** A page of `items`, the position it starts at and how many items the filters match in all. */
function paged<T extends TSchema>(item: T) {
  return { 200: Type.Object({ items: List(item), offset: Type.Integer(), limit: Type.Integer(), total: Type.Integer() }, strict), ...vigilErrors };
}

/** The broker's view of a thing: its newest connection (none: never connected while history was kept). */
export const ThingConnection = Type.Object(
  {
    state: Type.Union([Type.Literal('CONNECTED'), Type.Literal('DISCONNECTED'), Type.Literal('NEVER')]),
    connectedAt: Type.Optional(Type.Number({ description: 'epoch ms' })),
    disconnectedAt: Type.Optional(Type.Number({ description: 'epoch ms' })),
    disconnectReason: Type.Optional(Type.String()),
    lastSeen: Type.Optional(Type.Number({ description: 'epoch ms: now while connected, else when it disconnected' })),
  },
  strict,
);

/** A thing as the fleet list shows it: the registry's summary, its connection and its open violations. */
export const FleetThing = Type.Object(
  {
    ...ThingSummary.properties,
    connection: ThingConnection,
    openViolations: Type.Integer(),
    lastViolationTime: Type.Optional(Type.Number({ description: 'epoch ms: start of its newest open violation' })),
  },
  strict,
);

export const ThingGroupItem = Type.Object({ groupName: Type.String(), groupArn: Type.String() }, strict);
export const AuditTaskItem = Type.Object({ taskId: Type.String(), taskStatus: Type.String(), taskType: Type.String() }, strict);

export const listsContract = contract({
  things: {
    querystring: Type.Object(
      {
        ...Paging,
        q: Text,
        group: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'only members of this thing group (and its subgroups)' })),
        connection: Type.Optional(Type.Union([Type.Literal('CONNECTED'), Type.Literal('DISCONNECTED'), Type.Literal('NEVER')])),
        inViolation: Type.Optional(Type.Boolean({ description: 'only things with (true) or without (false) an open violation' })),
        sort: Type.Optional(Type.Union([Type.Literal('name'), Type.Literal('violations')], { description: 'name (default), or things in violation first, newest violation first' })),
      },
      strict,
    ),
    response: paged(FleetThing),
  },
  thingGroups: { querystring: Type.Object({ ...Paging, q: Text }, strict), response: paged(ThingGroupItem) },
  activeViolations: {
    querystring: Type.Object({ ...Paging, q: Text, thingName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })), securityProfileName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) }, strict),
    response: paged(ActiveViolation),
  },
  violationEvents: {
    querystring: Type.Object({ ...Paging, q: Text, days: Days, thingName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) }, strict),
    response: paged(ViolationEvent),
  },
  auditTasks: {
    querystring: Type.Object({ ...Paging, days: Days, taskStatus: Type.Optional(Type.String({ maxLength: 64 })) }, strict),
    response: paged(AuditTaskItem),
  },
  auditFindings: {
    querystring: Type.Object(
      {
        ...Paging,
        q: Text,
        days: Days,
        taskId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        checkName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        severity: Type.Optional(Type.Union([Type.Literal('CRITICAL'), Type.Literal('HIGH'), Type.Literal('MEDIUM'), Type.Literal('LOW')])),
        suppressed: Type.Optional(Type.Boolean({ description: 'only suppressed (true) or only open (false) findings; both when absent' })),
      },
      strict,
    ),
    response: paged(AuditFindingView),
  },
});

export type FleetThing = Static<typeof FleetThing>;
export type ThingConnection = Static<typeof ThingConnection>;
export type ThingGroupItem = Static<typeof ThingGroupItem>;
export type AuditTaskItem = Static<typeof AuditTaskItem>;
/** One page of a console list. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
}
