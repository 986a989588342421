import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateVigilConfig } from '../../src/app/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { FUZZ, describeProblems, duckdbMemoryMb, memoryProblem, hostileJson, hostileString, nestedJson, runFuzz, timeoutFor, type CaseResult } from './fuzz-support.js';

/**
 * HEC bodies from outside: /event and /raw (envelopes, concatenations, arrays, broken JSON, deep
 * events), gzip (valid, broken, unsupported encodings), channels and acks (valid and invalid
 * GUIDs, ack queries), tokens. Every answer must be a HEC reply (`{text, code}` or `{acks}`) below
 * 500, and the process must keep its memory.
 */

let vigil: TestVigil;
let hec: string;
let token: string;
let ackToken: string;

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' } });
  hec = vigil.running.endpoints['hec'] as string;
  token = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
  ackToken = (await vigil.running.siem.createToken({ name: 'fuzz-ack', index: 'main', useAck: true })).token;
});
afterAll(async () => vigil?.stop());

interface HecCase {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly auth: 'token' | 'ack' | 'none' | 'bad' | 'basic' | 'garbage';
  readonly channel: string | undefined;
  readonly encoding: 'identity' | 'gzip' | 'gzip-broken' | 'br' | 'none';
  readonly body: string;
}

const GUID = fc.uuid();
const envelope = fc.record(
  {
    event: fc.oneof({ weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: hostileJson() }, { weight: 1, arbitrary: hostileString() }),
    time: fc.oneof(fc.integer(), fc.double({ noNaN: true }), hostileString(12), fc.constant(null)),
    host: hostileString(40),
    source: hostileString(40),
    sourcetype: fc.oneof(fc.constant('fuzz'), hostileString(40)),
    index: fc.constantFrom('main', 'missing', '', 'MAIN'),
    fields: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string(), fc.integer(), fc.array(fc.string(), { maxLength: 3 }))), hostileJson()),
  },
  { requiredKeys: [] },
);

const eventBody = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.array(envelope, { minLength: 1, maxLength: 5 }), fc.constantFrom('', '\n', ' ', '\r\n\t')).map(([list, sep]) => list.map((e) => JSON.stringify(e)).join(sep)) },
  { weight: 1, arbitrary: fc.array(envelope, { maxLength: 4 }).map((list) => JSON.stringify(list)) },
  { weight: 1, arbitrary: fc.tuple(fc.array(envelope, { minLength: 1, maxLength: 3 }), fc.nat()).map(([list, cut]) => { const text = list.map((e) => JSON.stringify(e)).join(''); return text.slice(0, cut % (text.length + 1)); }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 120_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => `{"event":${nestedJson(d, k)}}`) },
  { weight: 1, arbitrary: hostileString(2000) },
  { weight: 1, arbitrary: hostileJson().map((v) => JSON.stringify(v) ?? '') },
);

const rawBody = fc.array(fc.oneof(hostileString(300), fc.jsonValue().map((v) => JSON.stringify(v))), { maxLength: 10 }).map((lines) => lines.join('\n'));
const ackBody = fc.oneof(fc.array(fc.integer({ min: -5, max: 50 }), { maxLength: 20 }).map((acks) => JSON.stringify({ acks })), hostileJson().map((v) => JSON.stringify(v) ?? ''), hostileString());

const hecCase: fc.Arbitrary<HecCase> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ path: fc.constantFrom('/services/collector', '/services/collector/event', '/services/collector/event/1.0'), body: eventBody }) },
  { weight: 3, arbitrary: fc.record({ path: fc.constantFrom('/services/collector/raw', '/services/collector/raw/1.0'), body: rawBody }) },
  { weight: 2, arbitrary: fc.record({ path: fc.constant('/services/collector/ack'), body: ackBody }) },
  { weight: 1, arbitrary: fc.record({ path: fc.constantFrom('/services/collector/health', '/services/collector/nope', '/x', '/services/collector/event/2.0'), body: hostileString(100) }) },
).chain((base) =>
  fc.record({
    path: fc.constant(base.path),
    body: fc.constant(base.body),
    query: fc.dictionary(fc.constantFrom('channel', 'index', 'sourcetype', 'source', 'host', 'time', 'token'), hostileString(40), { maxKeys: 3 }),
    auth: fc.oneof({ weight: 6, arbitrary: fc.constant<HecCase['auth']>('token') }, { weight: 4, arbitrary: fc.constant<HecCase['auth']>('ack') }, { weight: 2, arbitrary: fc.constantFrom<HecCase['auth']>('none', 'bad', 'basic', 'garbage') }),
    channel: fc.oneof({ weight: 4, arbitrary: GUID }, { weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileString(40) }),
    encoding: fc.constantFrom<HecCase['encoding']>('none', 'none', 'identity', 'gzip', 'gzip', 'gzip-broken', 'br'),
  }),
);

async function send(c: HecCase): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  const secret = c.auth === 'ack' ? ackToken : token;
  if (c.auth === 'token' || c.auth === 'ack') headers['authorization'] = `Splunk ${secret}`;
  if (c.auth === 'bad') headers['authorization'] = 'Splunk 00000000-0000-0000-0000-000000000000';
  if (c.auth === 'basic') headers['authorization'] = `Basic ${Buffer.from(`x:${secret}`).toString('base64')}`;
  if (c.auth === 'garbage') headers['authorization'] = 'Bearer \u00ff';
  if (c.channel !== undefined && /^[\x20-\x7e]*$/.test(c.channel)) headers['x-splunk-request-channel'] = c.channel;
  let body: Uint8Array = Buffer.from(c.body);
  if (c.encoding !== 'none') headers['content-encoding'] = c.encoding === 'gzip-broken' ? 'gzip' : c.encoding;
  if (c.encoding === 'gzip') body = gzipSync(body);
  if (c.encoding === 'gzip-broken') body = Buffer.concat([gzipSync(body).subarray(0, 12), Buffer.from('broken')]);
  const url = new URL(`${hec}${c.path}`);
  for (const [key, value] of Object.entries(c.query)) url.searchParams.set(key, value);
  const response = await fetch(url, { method: c.path.endsWith('/health') && c.body.length % 2 === 0 ? 'GET' : 'POST', headers, ...(c.path.endsWith('/health') && c.body.length % 2 === 0 ? {} : { body }) });
  return { status: response.status, text: await response.text() };
}

/** A HEC answer: below 500 and in HEC's own shape (`{text, code}`, or `{acks}` for an ack query). */
function judge(status: number, text: string): CaseResult {
  if (status >= 500) return { outcome: String(status), problem: { kind: '5xx', detail: `${status} ${text.slice(0, 200)}` } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { outcome: String(status), problem: { kind: 'unclear', detail: `${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 100))}` } };
  }
  const body = parsed as Record<string, unknown>;
  const shaped = (typeof body['text'] === 'string' && body['text'] !== '' && typeof body['code'] === 'number') || (status === 200 && typeof body['acks'] === 'object');
  if (!shaped) return { outcome: String(status), problem: { kind: 'unclear', detail: `${status} ${text.slice(0, 200)}` } };
  return { outcome: `${status}:${String(body['code'] ?? 'acks')}` };
}

describe(`HEC fuzz (${FUZZ.cases} requests, seed ${FUZZ.seed})`, () => {
  it('answers every generated HEC request below 500 in HEC shape, and keeps its memory', async () => {
    const summary = await runFuzz('hec', hecCase, async (c) => {
      const { status, text } = await send(c);
      return judge(status, text);
    }, {
      show: (c) => JSON.stringify({ ...c, body: c.body.length > 300 ? `${c.body.slice(0, 300)}…(${c.body.length})` : c.body }),
      duckMb: () => duckdbMemoryMb(vigil.running.stores.events),
      warmup: async () => {
        for (const c of fc.sample(hecCase, { numRuns: Math.min(2000, Math.max(200, FUZZ.cases / 10)), seed: FUZZ.seed + 1 })) await send(c);
      },
    });
    expect(summary.problems, describeProblems(summary)).toEqual([]);
    expect((await fetch(`${hec}/services/collector/health`)).status).toBe(200);
    // The process keeps its memory: outside DuckDB's block cache (capped by store.duckdb_memory_limit_mb,
    // checked below) RSS ends within 10% of the warmed-up baseline.
    expect(memoryProblem(summary, { floorMb: 0 })).toBeUndefined();
    expect(summary.duckEndMb).toBeLessThanOrEqual(validateVigilConfig({}).config.store.duckdb_memory_limit_mb);
  }, timeoutFor(5));
});
