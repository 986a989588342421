import { Type, type Static } from 'typebox';
import { contract, Open, List, NoBody, OpenObject, vigilErrors, NAME_MAX, PathName } from './common.js';

/**
 * A stream definition as sent to create or replace: the name and the sink's type are checked here;
 * the rest (buffering, retry, processors, backup, and the sink's own settings, which depend on its
 * type) is checked by the stream engine, which reports every problem with its path.
 */
export const StreamBody = Open(
  {
    name: Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,64}$', description: 'Stream name (Firehose DeliveryStreamName).' }),
    sink: Open({ type: Type.String() }, 'Destination: splunk-hec, http, file, … with its settings (checked against the sink type).'),
    buffering: Type.Optional(OpenObject('sizeBytes, intervalSecs')),
    retryDurationSecs: Type.Optional(Type.Integer()),
    processors: Type.Optional(List(OpenObject('type, parameters'))),
    backup: Type.Optional(OpenObject('mode, prefix, errorOutputPrefix')),
  },
  'Other members (a definition read back: version, createdAt, updatedAt) are passed to the engine, which ignores or refuses them.',
);
/** A stored definition; sink secrets are never returned. */
export const StreamView = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    createdAt: Type.Number({ description: 'epoch ms' }),
    updatedAt: Type.Number({ description: 'epoch ms' }),
    sink: Open({ type: Type.String() }),
    buffering: Type.Object({ sizeBytes: Type.Integer(), intervalSecs: Type.Integer() }, { additionalProperties: false }),
    retryDurationSecs: Type.Integer(),
    processors: List(Type.Object({ type: Type.String(), parameters: Type.Record(Type.String(), Type.String()) }, { additionalProperties: false })),
    backup: Type.Object({ mode: Type.Union([Type.Literal('FailedEventsOnly'), Type.Literal('AllEvents')]), prefix: Type.String(), errorOutputPrefix: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
const replayCounts = {
  objects: Type.Integer(),
  records: Type.Integer(),
  resumedObjects: Type.Integer({ description: 'objects an interrupted run had already queued: moved to replayed/ without being put again' }),
  resumes: Type.Integer({ description: 'how many times the replay resumed after the process stopped or died' }),
};
export const StreamStatusView = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    sink: Type.String(),
    incomingRecords: Type.Number(),
    incomingBytes: Type.Number(),
    deliveredRecords: Type.Number(),
    deliveredBytes: Type.Number(),
    droppedRecords: Type.Number(),
    retries: Type.Number(),
    backedUpRecords: Type.Record(Type.String(), Type.Number()),
    outboxRecords: Type.Number(),
    outboxBytes: Type.Number(),
    inFlightBatches: Type.Number(),
    dataFreshnessSecs: Type.Number(),
    lastAckLatencyMs: Type.Union([Type.Number(), Type.Null()]),
    lastError: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), at: Type.String() }, { additionalProperties: false }), Type.Null()]),
    recoveredError: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), at: Type.String(), recoveredAt: Type.String() }, { additionalProperties: false }), Type.Null()]),
    probe: Type.Union([Type.Object({ ok: Type.Boolean(), detail: Type.String() }, { additionalProperties: false }), Type.Null()]),
    replay: Type.Union([Type.Object({ state: Type.Union([Type.Literal('running'), Type.Literal('done')]), startedAt: Type.String(), finishedAt: Type.Union([Type.String(), Type.Null()]), ...replayCounts }, { additionalProperties: false }), Type.Null()], { description: 'the current or last replay' }),
    state: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INVALID'), Type.Literal('PAUSED_AFTER_FAILURES')]),
  },
  { additionalProperties: false },
);
export const ReplayView = Type.Object(replayCounts, { additionalProperties: false });
const Name = Type.Object({ name: PathName(NAME_MAX.deliveryStream) });

/** `/api/v1/streams`: delivery streams (Vigil-native shapes). */
export const streamsContract = contract({
  create: { body: StreamBody, response: { 201: StreamView, ...vigilErrors } },
  list: { response: { 200: Type.Object({ streams: List(StreamView) }, { additionalProperties: false }), ...vigilErrors } },
  get: { params: Name, response: { 200: StreamView, ...vigilErrors } },
  replace: { params: Name, querystring: Type.Object({ expectedVersion: Type.Optional(Type.Integer()) }), body: StreamBody, response: { 200: StreamView, ...vigilErrors } },
  delete: { params: Name, response: { 204: NoBody, ...vigilErrors } },
  status: { params: Name, response: { 200: StreamStatusView, ...vigilErrors } },
  replay: { params: Name, response: { 200: ReplayView, ...vigilErrors } },
  put: {
    params: Name,
    body: Type.Object({ records: List(Type.String(), { minItems: 1, maxItems: 500 }), encoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')])) }),
    response: { 200: Type.Object({ recordIds: List(Type.String()) }, { additionalProperties: false }), ...vigilErrors },
  },
});

export type StreamBody = Static<typeof StreamBody>;
export type StreamView = Static<typeof StreamView>;
export type StreamStatusView = Static<typeof StreamStatusView>;
export type ReplayView = Static<typeof ReplayView>;
