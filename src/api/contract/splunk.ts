import { Type, type Static } from 'typebox';
import { AwsErrorBody, List, NoBody, Open, OpenObject } from './common.js';

// Splunk's REST search surface (spec C.8). Parameters come from the query string and a form-encoded
// (or JSON) body; values are Splunk's strings. Answers are Splunk's shapes, in the output_mode asked.
const strict = { additionalProperties: false } as const;
export const SplunkMessages = Type.Object({ messages: List(Type.Object({ type: Type.String(), text: Type.String() }, strict)) }, { additionalProperties: false, description: 'Splunk messages (FATAL on a failed search, WARN when not authenticated)' });
const Text = Type.String({ description: 'XML (default), CSV or raw text, by output_mode' });
const Form = { content: { 'application/x-www-form-urlencoded': { schema: Type.Unknown({ description: 'the same parameters as the query string, form-encoded' }) }, 'application/json': { schema: OpenObject('the same parameters as a JSON object') } } } as unknown as ReturnType<typeof Type.Unknown>;
const SearchParams = Open({
  search: Type.Optional(Type.String({ description: 'SPL; "search …" or "| …"' })),
  earliest_time: Type.Optional(Type.String()),
  latest_time: Type.Optional(Type.String()),
  output_mode: Type.Optional(Type.String({ description: 'xml, json, csv or raw' })),
  count: Type.Optional(Type.String()),
  offset: Type.Optional(Type.String()),
  exec_mode: Type.Optional(Type.String({ description: 'normal, blocking or oneshot' })),
  max_count: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
});
const Sid = Type.Object({ sid: Type.String() });
// Splunk's own refusals are messages; a request refused before the route (schema, size, depth) gets the API's {message}.
const errors = { 400: Type.Union([SplunkMessages, AwsErrorBody]), 401: SplunkMessages, '4xx': AwsErrorBody, '5xx': AwsErrorBody };
export const SplunkResults = Type.Object(
  { preview: Type.Boolean(), init_offset: Type.Integer(), messages: List(Type.Object({ type: Type.String(), text: Type.String() }, strict)), fields: List(Type.Object({ name: Type.String() }, strict)), results: List(OpenObject('a result row')), highlighted: Type.Object({}, strict) },
  strict,
);

/** `/services/auth/login`, `/services/search/jobs/export` (v1, v2), `/services/search/jobs`. */
export const splunkContract = {
  login: { querystring: Open({ username: Type.Optional(Type.String()), password: Type.Optional(Type.String()), output_mode: Type.Optional(Type.String()) }), body: Form, response: { 200: Type.Union([Text, Type.Object({ sessionKey: Type.String() }, strict)]), ...errors } },
  export: { querystring: SearchParams, body: Form, response: { 200: Type.Union([Text, OpenObject('JSON lines when output_mode=json')]), ...errors } },
  exportGet: { querystring: SearchParams, response: { 200: Type.Union([Text, OpenObject('JSON lines when output_mode=json')]), ...errors } },
  createJob: { querystring: SearchParams, body: Form, response: { 200: Type.Union([Text, SplunkResults]), 201: Type.Union([Text, Type.Object({ sid: Type.String() }, strict)]), ...errors } },
  job: { params: Sid, response: { 200: Type.Object({ entry: List(Type.Object({ name: Type.String(), content: OpenObject('Splunk job properties') }, strict)) }, strict), ...errors } },
  results: { params: Sid, querystring: Open({ offset: Type.Optional(Type.String()), count: Type.Optional(Type.String()), output_mode: Type.Optional(Type.String()) }), response: { 200: SplunkResults, 204: NoBody, ...errors } },
  cancel: { params: Sid, response: { 200: SplunkMessages, ...errors } },
  control: { params: Sid, querystring: Open({ action: Type.Optional(Type.String()) }), body: Form, response: { 200: SplunkMessages, ...errors } },
} as const;

export type SplunkResults = Static<typeof SplunkResults>;
