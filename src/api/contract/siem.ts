import { Type, type Static } from 'typebox';
import { contract, IsoTime, List, NoBody, VigilErrorBody, vigilErrors } from './common.js';

/** A result row: field → value, or values for a multivalue field. */
export const ResultRow = Type.Record(Type.String(), Type.Union([Type.String(), List(Type.String())]));
export const SearchMessage = Type.Object({ type: Type.Union([Type.Literal('INFO'), Type.Literal('WARN')]), text: Type.String() }, { additionalProperties: false });
export const SeriesView = Type.Object(
  { x: Type.String(), xValues: List(Type.Union([Type.String(), Type.Number()])), series: List(Type.Object({ name: Type.String(), values: List(Type.Union([Type.Number(), Type.Null()])) }, { additionalProperties: false })) },
  { additionalProperties: false, description: 'a table result in column form, x = the first column' },
);
export const SearchBody = Type.Object(
  {
    query: Type.String({ minLength: 1 }),
    earliest: Type.Optional(Type.String()),
    latest: Type.Optional(Type.String()),
    maxRows: Type.Optional(Type.Integer({ minimum: 1 })),
    timeoutSecs: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    explain: Type.Optional(Type.Boolean()),
    id: Type.Optional(Type.String({ maxLength: 128 })),
    summary: Type.Optional(Type.Boolean({ description: 'Also return `fields`: every field of the results with its count, distinct count and top values (the console field sidebar), and `total`.' })),
    summaryValues: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Top values per field in the summary (default 10).' })),
    binning: Type.Optional(Type.Union([Type.Literal('range'), Type.Literal('data')], { description: "Default `_time` spans of chart/timechart: from the search's range (`range`, Splunk's way, the default) or from the extent of the data in it (`data`: the chart shows the data at its own scale)." })),
    timeline: Type.Optional(Type.Boolean({ description: 'For an event search, also return `timeline`: the event count over time (`| timechart count`, binned from the data).' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Return only the first pageSize rows and keep the results under `sid` (the id, or a new one) for GET /api/v1/search/{sid}/results; kept for 30 minutes, the 20 most recent searches (200,000 rows in all).' })),
  },
  { additionalProperties: false },
);
/** One field of a result: how many results have it, how many distinct values, numeric statistics, the most frequent values. */
export const FieldSummary = Type.Object(
  {
    name: Type.String(),
    count: Type.Integer(),
    distinctCount: Type.Integer(),
    numericCount: Type.Integer(),
    min: Type.Union([Type.Number(), Type.Null()]),
    max: Type.Union([Type.Number(), Type.Null()]),
    mean: Type.Union([Type.Number(), Type.Null()]),
    values: List(Type.Object({ value: Type.String(), count: Type.Integer() }, { additionalProperties: false }), { description: 'most frequent first' }),
  },
  { additionalProperties: false },
);
export const SearchView = Type.Object(
  {
    columns: List(Type.String()),
    rows: List(ResultRow),
    transforming: Type.Boolean(),
    earliest: Type.Union([IsoTime, Type.Null()]),
    latest: Type.Union([IsoTime, Type.Null()]),
    series: Type.Union([SeriesView, Type.Null()]),
    messages: List(SearchMessage, { description: 'how the search ran, e.g. a subsearch cut at maxout' }),
    fields: Type.Optional(List(FieldSummary, { description: 'with summary: true, every field of the results counted over all of them' })),
    total: Type.Optional(Type.Integer({ description: 'with summary: true, how many results the search has' })),
    sid: Type.Optional(Type.String({ description: 'with pageSize: the kept results page through GET /api/v1/search/{sid}/results' })),
    kept: Type.Optional(Type.Integer({ description: 'with pageSize: how many rows are kept to page through (all results, or the row cap when total is larger)' })),
    timeline: Type.Optional(Type.Union([SeriesView, Type.Null()], { description: 'with timeline: true, the event count over time' })),
  },
  { additionalProperties: false },
);
export const ExplainView = Type.Object({ explain: Type.String() }, { additionalProperties: false });
/**
 * A search error: SPL errors and budgets checked before running (400) carry the span and a caret
 * rendering; cancelled is 409; over the time or memory budget 422.
 */
export const SearchError = Type.Object(
  { code: Type.String(), message: Type.String(), hint: Type.Optional(Type.String()), span: Type.Optional(Type.Object({ offset: Type.Integer(), length: Type.Integer() }, { additionalProperties: false })), caret: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
/** An internal failure of a search: the request id names the one log line (with the query) that describes it. */
export const SearchInternalError = Type.Object({ code: Type.Literal('internal.error'), message: Type.String(), requestId: Type.String() }, { additionalProperties: false });

/** The HEC token creation body; `vigil apply`'s hec_tokens kind extends it. */
export const HecTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    index: Type.Optional(Type.String()),
    indexes: Type.Optional(List(Type.String())),
    sourcetype: Type.Optional(Type.String()),
    source: Type.Optional(Type.String()),
    host: Type.Optional(Type.String()),
    useAck: Type.Optional(Type.Boolean()),
    allowQueryStringAuth: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export const HecTokenView = Type.Object(
  {
    name: Type.String(),
    token: Type.String(),
    description: Type.String(),
    disabled: Type.Boolean(),
    index: Type.String(),
    indexes: List(Type.String()),
    sourcetype: Type.Optional(Type.String()),
    source: Type.Optional(Type.String()),
    host: Type.Optional(Type.String()),
    useAck: Type.Boolean(),
    allowQueryStringAuth: Type.Boolean(),
    createdAt: IsoTime,
  },
  { additionalProperties: false },
);
export const IndexView = Type.Object({ name: Type.String(), retentionDays: Type.Integer(), createdAt: IsoTime, events: Type.Optional(Type.Integer({ description: 'only in the list' })) }, { additionalProperties: false });
export const LookupView = Type.Object({ name: Type.String(), columns: List(Type.String()), rows: Type.Integer(), bytes: Type.Integer(), updatedAt: IsoTime }, { additionalProperties: false });
const Name = Type.Object({ name: Type.String() });
const LookupName = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });

/** `/api/v1/search`, `/api/v1/hec/tokens`, `/api/v1/indexes`, `/api/v1/lookups`. */
export const siemContract = contract({
  search: { body: SearchBody, response: { 200: Type.Union([SearchView, ExplainView]), 400: SearchError, 409: SearchError, 422: SearchError, 500: Type.Union([SearchInternalError, VigilErrorBody]), ...vigilErrors } },
  searchResults: {
    params: Type.Object({ id: Type.String() }),
    querystring: Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0 })), count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }, { additionalProperties: false }),
    response: {
      200: Type.Object({ sid: Type.String(), offset: Type.Integer(), kept: Type.Integer(), columns: List(Type.String()), rows: List(ResultRow) }, { additionalProperties: false, description: 'rows [offset, offset + count) of a kept search' }),
      ...vigilErrors,
    },
  },
  cancelSearch: { params: Type.Object({ id: Type.String() }), response: { 204: NoBody, ...vigilErrors } },
  createToken: { body: HecTokenBody, response: { 201: HecTokenView, ...vigilErrors } },
  listTokens: { response: { 200: Type.Object({ tokens: List(HecTokenView) }, { additionalProperties: false }), ...vigilErrors } },
  deleteToken: { params: Name, response: { 204: NoBody, ...vigilErrors } },
  setTokenState: { params: Type.Object({ name: Type.String(), action: Type.Union([Type.Literal('enable'), Type.Literal('disable')]) }), response: { 204: NoBody, ...vigilErrors } },
  createIndex: { body: Type.Object({ name: Type.String({ minLength: 1 }), retentionDays: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }), response: { 201: IndexView, ...vigilErrors } },
  listIndexes: { response: { 200: Type.Object({ indexes: List(IndexView) }, { additionalProperties: false }), ...vigilErrors } },
  deleteIndex: { params: Name, response: { 200: Type.Object({ deletedEvents: Type.Integer() }, { additionalProperties: false }), ...vigilErrors } },
  listLookups: { response: { 200: Type.Object({ lookups: List(LookupView) }, { additionalProperties: false }), ...vigilErrors } },
  getLookup: { params: LookupName, response: { 200: LookupView, ...vigilErrors } },
  // The CSV file as the body (any non-JSON content type), or JSON {"csv": "..."}.
  uploadLookup: {
    params: LookupName,
    body: { content: { 'application/json': { schema: Type.Object({ csv: Type.String() }) }, 'text/csv': { schema: Type.Unknown({ description: 'the CSV file' }) } } } as unknown as ReturnType<typeof Type.Unknown>,
    response: { 200: LookupView, ...vigilErrors },
  },
  createLookup: { body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), csv: Type.String() }, { additionalProperties: false }), response: { 201: LookupView, ...vigilErrors } },
  deleteLookup: { params: LookupName, response: { 204: NoBody, ...vigilErrors } },
});

export type ExplainView = Static<typeof ExplainView>;
export type SearchBody = Static<typeof SearchBody>;
export type SearchView = Static<typeof SearchView>;
export type SearchError = Static<typeof SearchError>;
export type FieldSummary = Static<typeof FieldSummary>;
export type HecTokenBody = Static<typeof HecTokenBody>;
export type HecTokenView = Static<typeof HecTokenView>;
export type IndexView = Static<typeof IndexView>;
export type LookupView = Static<typeof LookupView>;
