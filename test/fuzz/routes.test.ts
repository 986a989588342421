import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { FUZZ, describeProblems, duckdbMemoryMb, hostileJson, hostileString, nestedJson, memoryProblem, runFuzz, timeoutFor, type CaseResult } from './fuzz-support.js';
import { operationsOf, valueFor, type Operation } from './openapi-arbitrary.js';

/**
 * Every route of the served OpenAPI document (`/api/v1/openapi.json`), so that routes gain coverage
 * as they gain schemas: path parameters (plausible names, hostile text, long names), query
 * parameters (from their schemas or random), and JSON bodies that satisfy the route's schema,
 * break it in one place, or are random, deep or huge. Every answer must be below 500, and every
 * rejection must carry a message in its family's shape.
 */

let vigil: TestVigil;
let api: string;
let operations: Operation[];

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' } });
  api = vigil.running.endpoints['api'] as string;
  const response = await fetch(`${api}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
  operations = operationsOf((await response.json()) as Record<string, unknown>);
});
afterAll(async () => vigil?.stop());

interface RouteCase {
  readonly operation: Operation;
  readonly params: readonly string[];
  readonly query: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly bodyKind: string;
}

const paramValue = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_-]{1,40}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_-]{100,200}$/) },
  { weight: 2, arbitrary: hostileString(60).filter((s) => s !== '') },
);

/** Changes one property of a body to a hostile value (or removes it). */
function breakOne(value: unknown, at: number, replacement: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return { [String(at)]: replacement };
  const key = keys[at % keys.length] as string;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (at % 5 === 0) delete copy[key];
  else copy[key] = replacement;
  return copy;
}

function routeCase(operation: Operation): fc.Arbitrary<RouteCase> {
  const schema = operation.body;
  const sendsBody = ['POST', 'PUT', 'PATCH'].includes(operation.method);
  const bodies: Array<fc.WeightedArbitrary<{ body: string | undefined; kind: string }>> = [
    { weight: 1, arbitrary: fc.constant({ body: undefined, kind: 'none' }) },
    { weight: 2, arbitrary: hostileJson().map((v) => ({ body: JSON.stringify(v) ?? 'null', kind: 'random' })) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 60, max: 50_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => ({ body: `{"a":${nestedJson(d, k)}}`, kind: 'deep' })) },
    { weight: 1, arbitrary: hostileString(300).map((text) => ({ body: text, kind: 'text' })) },
  ];
  if (schema !== undefined) {
    bodies.push({ weight: 6, arbitrary: valueFor(schema).map((v) => ({ body: JSON.stringify(v), kind: 'schema' })) });
    bodies.push({ weight: 4, arbitrary: fc.tuple(valueFor(schema), fc.nat(), hostileJson()).map(([v, at, bad]) => ({ body: JSON.stringify(breakOne(v, at, bad)), kind: 'schema-broken' })) });
  } else if (sendsBody) {
    bodies.push({ weight: 4, arbitrary: fc.dictionary(fc.constantFrom('name', 'thingName', 'policyDocument', 'sql', 'actions', 'behaviors', 'sink', 'search', 'query', 'Records', 'DeliveryStreamName', 'enabled', 'description', 'tags', 'attributePayload', 'targets'), hostileJson(), { maxKeys: 5 }).map((v) => ({ body: JSON.stringify(v), kind: 'guessed' })) });
  }
  const query = fc.record(Object.fromEntries(operation.query.map((q) => [q.name, fc.oneof({ weight: 3, arbitrary: valueFor(q.schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) }, { weight: 1, arbitrary: hostileString(40) })])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
  return fc.record({
    operation: fc.constant(operation),
    params: fc.array(paramValue, { minLength: operation.pathParams.length, maxLength: operation.pathParams.length }),
    query,
    picked: sendsBody ? fc.oneof(...bodies) : fc.constant({ body: undefined, kind: 'none' }),
  }).map(({ picked, ...rest }) => ({ ...rest, body: picked.body, bodyKind: picked.kind }));
}

/**
 * Percent-encodes a path parameter. A lone surrogate (no UTF-8 form, so `encodeURIComponent` throws)
 * is sent as the three bytes its code unit would take (ED A0 80 for U+D800): invalid UTF-8 in the
 * path, as a hostile client can send it.
 */
function encodeParam(text: string): string {
  let out = '';
  for (const part of text.split(/([\uD800-\uDFFF])/u)) {
    if (part === '') continue;
    const unit = part.charCodeAt(0);
    if (part.length === 1 && unit >= 0xd800 && unit <= 0xdfff && !/^[\uD800-\uDBFF][\uDC00-\uDFFF]$/.test(part)) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(part);
  }
  return out;
}

function urlOf(c: RouteCase): URL {
  let i = 0;
  const path = c.operation.path.replace(/\{[^}]+\}/g, () => encodeParam(c.params[i++] ?? 'x'));
  const url = new URL(`${api}${path}`);
  for (const [key, value] of Object.entries(c.query)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

/** A clear rejection: Vigil `{code, message}`, AWS `{message}` (rest-json) or `{__type, message}`, Splunk REST `{messages: [{type, text}]}`. */
function judge(status: number, text: string): CaseResult {
  if (status >= 500) return { outcome: String(status), problem: { kind: '5xx', detail: `${status} ${text.slice(0, 300)}` } };
  if (status < 400) return { outcome: String(status) };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { outcome: String(status), problem: { kind: 'unclear', detail: `${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}` } };
  }
  const splunk = Array.isArray(body['messages']) ? (body['messages'] as Array<{ text?: unknown }>)[0]?.text : undefined;
  const message = body['message'] ?? splunk;
  if (typeof message !== 'string' || message.trim() === '') return { outcome: String(status), problem: { kind: 'unclear', detail: `${status} ${text.slice(0, 200)}` } };
  return { outcome: String(status) };
}

describe(`route fuzz from the served OpenAPI document (${FUZZ.cases} requests, seed ${FUZZ.seed})`, () => {
  it('answers every generated request to every documented route below 500, with a message on each rejection', async () => {
    expect(operations.length).toBeGreaterThan(100);
    const anyCase = fc.constantFrom(...operations).chain(routeCase);
    const seen = new Set<string>();
    const send = async (c: RouteCase): Promise<CaseResult> => {
      if (process.env['VIGIL_FUZZ_TRACE'] === '1') process.stdout.write(`→ ${new Date().toISOString().slice(11, 19)} ${c.operation.method} ${urlOf(c).pathname}${urlOf(c).search} ${c.bodyKind} ${(c.body ?? "").slice(0, 200)}\n`);
      seen.add(`${c.operation.method} ${c.operation.path}`);
      const headers: Record<string, string> = { authorization: `Bearer ${vigil.adminToken}` };
      if (c.body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      let text: string;
      try {
        response = await fetch(urlOf(c), { method: c.operation.method, headers, signal: AbortSignal.timeout(60_000), ...(c.body === undefined ? {} : { body: c.body }) });
        // A live stream (server-sent events) never ends: its status and headers are the answer.
        if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
          await response.body?.cancel();
          text = '';
        } else text = await response.text();
      } catch (error) {
        return { outcome: 'no-answer', problem: { kind: 'no-answer', detail: `${c.operation.method} ${c.operation.path}: ${error instanceof Error ? error.message : String(error)}` } };
      }
      const result = judge(response.status, text);
      return { ...result, outcome: `${c.bodyKind}:${result.outcome}` };
    };
    const summary = await runFuzz('routes', anyCase, send, {
      show: (c) => `${c.operation.method} ${urlOf(c).pathname}${urlOf(c).search.slice(0, 200)} body(${c.bodyKind}): ${(c.body ?? '').slice(0, 300)}`,
      duckMb: () => duckdbMemoryMb(vigil.running.stores.events),
      warmup: async () => {
        for (const c of fc.sample(anyCase, { numRuns: Math.min(2000, Math.max(100, FUZZ.cases / 10)), seed: FUZZ.seed + 1 })) await send(c);
      },
    });
    process.stdout.write(`routes fuzz: ${operations.length} documented operations (${operations.filter((o) => o.body !== undefined).length} with a body schema), ${seen.size} reached\n`);
    expect(summary.problems, describeProblems(summary)).toEqual([]);
    expect((await fetch(`${api}/health`)).status).toBe(200);
    expect(memoryProblem(summary)).toBeUndefined();
  }, timeoutFor(10));
});
