import { Type, type Static } from 'typebox';
import { contract, IsoTime, List, NoBody, vigilErrors } from './common.js';
import { ResultRow } from './siem.js';

const Comparator = Type.Union([Type.Literal('>'), Type.Literal('<'), Type.Literal('='), Type.Literal('!='), Type.Literal('>='), Type.Literal('<=')]);
const TriggerObject = Type.Union([
  Type.Object({ type: Type.Literal('per_result') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('number_of_results'), comparator: Comparator, threshold: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
]);
/** A trigger as sent: an object, or its text (`results>0`, `per-result`). */
export const Trigger = Type.Union([Type.String({ minLength: 1, maxLength: 64, description: '"results>0" (> < = != >= <= N) or "per-result"' }), ...TriggerObject.anyOf]);
export const AlertActionSchema = Type.Union([
  Type.Object({ type: Type.Literal('webhook'), url: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('topic'), topic: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
]);
const Throttle = Type.Object({ periodSecs: Type.Integer({ minimum: 1, maximum: 31_536_000 }), fields: Type.Optional(List(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10 })) }, { additionalProperties: false });
export const AlertBody = Type.Object(
  { trigger: Type.Optional(Trigger), actions: Type.Optional(List(AlertActionSchema, { maxItems: 10 })), throttle: Type.Optional(Type.Union([Type.Null(), Throttle])) },
  { additionalProperties: false },
);
const fields = {
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
  earliest: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  latest: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  cron: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  enabled: Type.Optional(Type.Boolean()),
  alert: Type.Optional(Type.Union([Type.Null(), AlertBody])),
};
export const SavedSearchCreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }), ...fields, search: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false });
export const SavedSearchUpdateBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })), ...fields }, { additionalProperties: false });

/** A saved search as the API shows it: times in ISO, the trigger also as text, and the next scheduled run. */
export const SavedSearchView = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    search: Type.String(),
    earliest: Type.String(),
    latest: Type.String(),
    cron: Type.String(),
    enabled: Type.Boolean(),
    bundled: Type.Boolean(),
    alert: Type.Optional(Type.Object({ trigger: TriggerObject, actions: List(AlertActionSchema), throttle: Type.Optional(Type.Object({ periodSecs: Type.Integer(), fields: List(Type.String()) }, { additionalProperties: false })), triggerText: Type.String() }, { additionalProperties: false })),
    nextRunAt: Type.Optional(IsoTime),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
/** One alert history entry: every run, fired or not, with errors. */
export const AlertRunView = Type.Object(
  {
    id: Type.String(),
    searchName: Type.String(),
    time: IsoTime,
    cause: Type.Union([Type.Literal('schedule'), Type.Literal('dispatch')]),
    status: Type.Union([Type.Literal('fired'), Type.Literal('not_fired'), Type.Literal('throttled'), Type.Literal('failed')]),
    resultCount: Type.Integer(),
    rows: List(ResultRow),
    firedCount: Type.Integer(),
    suppressedCount: Type.Integer(),
    actions: List(Type.Object({ type: Type.Union([Type.Literal('webhook'), Type.Literal('topic')]), target: Type.String(), ok: Type.Boolean(), attempts: Type.Integer(), error: Type.Optional(Type.String()) }, { additionalProperties: false })),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false })),
    durationMs: Type.Number(),
  },
  { additionalProperties: false },
);
const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) });

/** `/api/v1/saved-searches`: saved SPL searches on a cron schedule, their alerts, dispatch and history. */
export const savedSearchesContract = contract({
  list: { response: { 200: Type.Object({ savedSearches: List(SavedSearchView) }, { additionalProperties: false }), ...vigilErrors } },
  create: { body: SavedSearchCreateBody, response: { 201: SavedSearchView, ...vigilErrors } },
  get: { params: Name, response: { 200: SavedSearchView, ...vigilErrors } },
  update: { params: Name, body: SavedSearchUpdateBody, response: { 200: SavedSearchView, ...vigilErrors } },
  delete: { params: Name, response: { 204: NoBody, ...vigilErrors } },
  setEnabled: { params: Name, response: { 200: SavedSearchView, ...vigilErrors } },
  dispatch: { params: Name, response: { 200: AlertRunView, ...vigilErrors } },
  history: { params: Name, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }), response: { 200: Type.Object({ runs: List(AlertRunView) }, { additionalProperties: false }), ...vigilErrors } },
});

export type SavedSearchCreateBody = Static<typeof SavedSearchCreateBody>;
export type SavedSearchUpdateBody = Static<typeof SavedSearchUpdateBody>;
export type SavedSearchView = Static<typeof SavedSearchView>;
export type AlertRunView = Static<typeof AlertRunView>;
