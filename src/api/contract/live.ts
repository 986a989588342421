import { Type, type Static, type TSchema } from 'typebox';
import { contract, vigilErrors } from './common.js';
import { ActiveViolation } from './detect.js';
import { StreamStatusView } from './streams.js';

const strict = { additionalProperties: false } as const;

/** An audit task that finished (`audit-task` event). */
export const LiveAuditTask = Type.Object({ taskId: Type.String(), taskStatus: Type.String(), taskType: Type.String() }, strict);

/** A delivery stream's health, sent when it changes (`stream-health` event); the numbers are the stream's status. */
export const LiveStreamHealth = Type.Object(
  {
    name: Type.String(),
    deliveredRecords: StreamStatusView.properties.deliveredRecords,
    failed: Type.Number({ description: 'records backed up (failed delivery), summed over reasons' }),
    dataFreshnessSecs: StreamStatusView.properties.dataFreshnessSecs,
    outboxRecords: StreamStatusView.properties.outboxRecords,
    lastError: StreamStatusView.properties.lastError,
  },
  strict,
);

/** The data of each server-sent event the live feed sends, by event name. */
export const LIVE_EVENTS = {
  /** A violation that started, shaped like one item of ListActiveViolations. */
  violation: ActiveViolation,
  'audit-task': LiveAuditTask,
  'stream-health': LiveStreamHealth,
} as const satisfies Record<string, TSchema>;

export type LiveEventType = keyof typeof LIVE_EVENTS;
/** One live event: its name (the SSE `event:` line) and its data (the `data:` line, JSON). */
export type LiveEvent = { [K in LiveEventType]: { readonly type: K; readonly data: Static<(typeof LIVE_EVENTS)[K]> } }[LiveEventType];

const described = Object.entries(LIVE_EVENTS)
  .map(([name]) => `\`${name}\``)
  .join(', ');

/**
 * `GET /api/v1/events/stream`: server-sent events (`text/event-stream`), one `event:` name and one
 * JSON `data:` line each; `: connected` first and `: keep-alive` comments between. OpenAPI cannot
 * type an event stream, so the 200 documents the media type and the events' data schemas are
 * exported here (LIVE_EVENTS) for the route, the console and the tests.
 */
export const liveContract = contract({
  events: {
    response: {
      // The per-media-type form Fastify and @fastify/swagger read for a non-JSON answer.
      200: Type.Unsafe<string>({
        description: `server-sent events: ${described}`,
        content: { 'text/event-stream': { schema: Type.String({ description: `one event per block: event name, then its JSON data (${described})` }) } },
      }),
      ...vigilErrors,
    },
  },
});
