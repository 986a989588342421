import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { FUZZ, describeProblems, duckdbMemoryMb, hostileString, memoryProblem, runFuzz, timeoutFor, type CaseResult } from './fuzz-support.js';

/**
 * SPL through the search APIs (Vigil's `POST /api/v1/search` and Splunk's
 * `/services/search/jobs/export`) over a small event corpus: pipelines from a grammar of the
 * commands and eval functions, the same with characters dropped or inserted, long OR lists, deep
 * nesting and random text. Every answer must be below 500, with a message when refused.
 */

let vigil: TestVigil;
let api: string;

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' } });
  api = vigil.running.endpoints['api'] as string;
  const hecToken = (await vigil.running.siem.createToken({ name: 'spl-fuzz', index: 'main' })).token;
  const body = Array.from({ length: 500 }, (_v, i) => JSON.stringify({ time: 1_767_225_600 + i * 60, host: `h${i % 7}`, sourcetype: i % 2 === 0 ? 'json' : 'text', event: i % 2 === 0 ? { a: i, b: `v${i % 13}`, c: { d: [i, i + 1], e: i % 3 === 0 ? null : 'x' }, name: 'aws:listening-tcp-ports', value: { ports: [21, 22, i % 1000] } } : `${new Date((1_767_225_600 + i * 60) * 1000).toISOString()} user=u${i % 5} action=login status=${i % 4 === 0 ? 'fail' : 'ok'} bytes=${i * 10}` })).join('\n');
  const response = await fetch(`${vigil.running.endpoints['hec']}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body });
  if (!response.ok) throw new Error(`corpus ingest failed: ${response.status} ${await response.text()}`);
});
afterAll(async () => vigil?.stop());

const field = fc.constantFrom('a', 'b', 'c.d{}', 'c.e', 'host', 'sourcetype', 'user', 'action', 'status', 'bytes', '_time', '_raw', 'x', 'count', 'value.ports{}', 'name');
const literal = fc.oneof(fc.integer({ min: -1000, max: 100_000 }).map(String), fc.string({ maxLength: 8 }).map((s) => `"${s.replace(/["\\]/g, '')}"`), fc.constantFrom('null()', 'true()', 'now()', '"*"'));
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small' },
    literal,
    field,
    fc.tuple(fc.constantFrom('if', 'case', 'len', 'lower', 'upper', 'substr', 'tonumber', 'tostring', 'round', 'coalesce', 'match', 'replace', 'split', 'mvcount', 'mvindex', 'isnull', 'isnotnull', 'abs', 'strftime', 'strptime', 'json_extract', 'spath', 'nosuch'), fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '.', '=', '==', '!=', '<', '>', '<=', '>=', 'AND', 'OR', 'LIKE'), tie('expr')).map(([l, op, r]) => `${l} ${op} ${r}`),
    fc.tuple(fc.constantFrom('NOT ', '-'), tie('expr')).map(([op, e]) => `${op}${e}`),
    tie('expr').map((e) => `(${e})`),
  ),
}));
const term = fc.oneof(fc.tuple(field, fc.constantFrom('=', '!=', '<', '>'), fc.oneof(fc.stringMatching(/^[a-z0-9*]{1,6}$/), literal)).map(([f, op, v]) => `${f}${op}${v}`), fc.stringMatching(/^[a-z0-9*]{1,8}$/), fc.constantFrom('index=main', 'index=*', 'sourcetype=json', 'NOT status=ok', 'earliest=-1d'));
const by = fc.option(fc.array(field, { minLength: 1, maxLength: 2 }).map((fs) => ` by ${fs.join(', ')}`), { nil: '' });
const agg = fc.tuple(fc.constantFrom('count', 'sum', 'avg', 'min', 'max', 'dc', 'values', 'list', 'first', 'last', 'median', 'perc95', 'stdev', 'earliest', 'latest'), field).map(([f, x]) => (f === 'count' ? 'count' : `${f}(${x})`));
const command = fc.oneof(
  fc.tuple(fc.array(agg, { minLength: 1, maxLength: 3 }), by).map(([a, b]) => `stats ${a.join(' ')}${b}`),
  fc.tuple(fc.constantFrom('x', 'y', 'a'), expr).map(([n, e]) => `eval ${n}=${e}`),
  expr.map((e) => `where ${e}`),
  fc.array(term, { minLength: 1, maxLength: 3 }).map((t) => `search ${t.join(' ')}`),
  fc.array(field, { minLength: 1, maxLength: 4 }).map((f) => `table ${f.join(' ')}`),
  fc.array(field, { minLength: 1, maxLength: 3 }).map((f) => `fields ${f.join(', ')}`),
  fc.tuple(fc.constantFrom('', '-', '+'), field).map(([d, f]) => `sort ${d}${f}`),
  fc.nat({ max: 1000 }).map((n) => `head ${n}`),
  fc.nat({ max: 1000 }).map((n) => `tail ${n}`),
  fc.tuple(field, fc.constantFrom('(?<n>\\d+)', '(?<w>[a-z]+)=(?<v>\\S+)', '(', '(?<x>.*)*$', '[', '(?<a>a+)+b')).map(([f, re]) => `rex field=${f} "${re}"`),
  fc.tuple(field, fc.constantFrom('x', 'out')).map(([p, o]) => `spath ${p === '_raw' ? '' : `path=${p} `}output=${o}`),
  field.map((f) => `mvexpand ${f}`),
  fc.array(field, { minLength: 1, maxLength: 2 }).map((f) => `dedup ${f.join(' ')}`),
  fc.tuple(field, fc.constantFrom('renamed', 'a b', '"q"')).map(([f, t]) => `rename ${f} AS ${t}`),
  fc.tuple(fc.constantFrom('top', 'rare'), field, fc.nat({ max: 50 })).map(([c, f, n]) => `${c} limit=${n} ${f}`),
  fc.tuple(fc.constantFrom('1m', '1h', '1d', '0s', '-5m', '1mon', 'x'), agg, by).map(([s, a, b]) => `timechart span=${s} ${a}${b}`),
  fc.tuple(agg, field, field).map(([a, o, b]) => `chart ${a} over ${o} by ${b}`),
  fc.tuple(agg, by).map(([a, b]) => `eventstats ${a}${b}`),
  fc.tuple(agg, by).map(([a, b]) => `streamstats ${a}${b}`),
  fc.tuple(fc.constantFrom('0', '"n/a"'), fc.array(field, { maxLength: 2 })).map(([v, f]) => `fillnull value=${v} ${f.join(' ')}`),
  fc.tuple(fc.constantFrom(',', ' ', ''), field).map(([d, f]) => `makemv delim="${d}" ${f}`),
  fc.tuple(field, fc.constantFrom('span=10', 'bins=5', 'span=1h', 'span=0')).map(([f, o]) => `bin ${f} ${o}`),
  fc.tuple(fc.constantFrom('nosuch.csv', '../../secrets/admin-token', 'x'), field).map(([t, f]) => `lookup ${t} ${f}`),
  fc.tuple(field, fc.constantFrom('"^a"', '"(a+)+$"', '"["')).map(([f, re]) => `regex ${f}=${re}`),
);
const pipeline = fc.tuple(fc.array(term, { maxLength: 4 }), fc.array(command, { maxLength: 4 })).map(([terms, commands]) => [`index=main ${terms.join(' ')}`.trim(), ...commands].join(' | '));

const query = fc.oneof(
  { weight: 16, arbitrary: pipeline },
  { weight: 4, arbitrary: fc.tuple(pipeline, fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 })).map(([q, at, drop, insert]) => { const i = at % (q.length + 1); return q.slice(0, i) + insert + q.slice(i + drop); }) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('| inputlookup nosuch.csv', '| tstats count where index=main by host', '| makeresults', `index=main [search index=main | head 1 | fields host]`), fc.constant('')).map(([q]) => q) },
  // Long OR lists cost seconds each today (issue 28's search budgets): a few, up to 300 terms.
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 300 }).map((n) => `index=main ${Array.from({ length: n }, (_v, i) => `a=${i}`).join(' OR ')} | stats count`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 10, max: 3000 }), fc.constantFrom(['(', ')'], ['[search ', ']'])).map(([n, [open, close]]) => `index=main | where ${open.repeat(n)}a>1${close.repeat(n)}`) },
  { weight: 1, arbitrary: hostileString(300) },
);

/**
 * 5xx the fuzz found in SPL itself (src/siem/spl, owned by the SPL work on bounded search input),
 * reported there and not fixed here. A 5xx whose query matches one of these is counted and printed
 * as known; any other 5xx fails the suite. Remove an entry when its fix lands.
 */
const KNOWN_SPL_5XX: ReadonlyArray<{ readonly defect: string; readonly matches: (query: string) => boolean }> = [
  { defect: 'an expression nested about 1,000+ deep overflows the SPL parser (RangeError in parseBinary, src/siem/spl/parser.ts)', matches: (q) => /\({200}|(\[search ){100}/.test(q) },
  { defect: 'sort by a field that fields/table dropped compiles to ORDER BY a literal: DuckDB "Binder Error: ORDER BY non-integer literal" (siem.search_failed)', matches: (q) => /\|\s*(fields|table)\b[^|]*\|(.*\|)?\s*sort\b/.test(q) },
];

const splCase = fc.record({ query, route: fc.constantFrom('native', 'export'), earliest: fc.option(fc.constantFrom('0', '-1y', '-5m@m', 'garbage', '1767225600'), { nil: undefined }) });

const knownHits = new Map<string, number>();

async function search(c: typeof splCase extends fc.Arbitrary<infer T> ? T : never): Promise<CaseResult> {
  const authorization = `Bearer ${vigil.adminToken}`;
  const response = c.route === 'native'
    ? await fetch(`${api}/api/v1/search`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ query: c.query === '' ? ' ' : c.query, earliest: c.earliest ?? '0', timeoutSecs: 10 }), signal: AbortSignal.timeout(90_000) })
    : await fetch(`${api}/services/search/jobs/export`, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ search: c.query.startsWith('|') ? c.query : `search ${c.query}`, output_mode: 'json', earliest_time: c.earliest ?? '0' }).toString(), signal: AbortSignal.timeout(90_000) });
  const text = await response.text();
  if (response.status >= 500) {
    const known = KNOWN_SPL_5XX.find((k) => k.matches(c.query));
    if (known !== undefined) {
      knownHits.set(known.defect, (knownHits.get(known.defect) ?? 0) + 1);
      return { outcome: `${c.route}:${response.status}:known` };
    }
    return { outcome: `${c.route}:${response.status}`, problem: { kind: '5xx', detail: `${c.route} ${response.status} ${text.slice(0, 300)}` } };
  }
  if (response.status >= 400) {
    const clear = /"(message|text)"\s*:\s*"[^"]/.test(text);
    if (!clear) return { outcome: `${c.route}:${response.status}`, problem: { kind: 'unclear', detail: `${c.route} ${response.status} ${text.slice(0, 200)}` } };
  }
  return { outcome: `${c.route}:${response.status}` };
}

describe(`SPL fuzz through the search APIs (${FUZZ.cases} searches, seed ${FUZZ.seed})`, () => {
  it('answers every generated search below 500, with a message on each refusal', async () => {
    const summary = await runFuzz('spl', splCase, search, {
      show: (c) => JSON.stringify({ ...c, query: c.query.length > 400 ? `${c.query.slice(0, 400)}…(${c.query.length})` : c.query }),
      duckMb: () => duckdbMemoryMb(vigil.running.stores.events),
      warmup: async () => {
        for (const c of fc.sample(splCase, { numRuns: Math.min(500, Math.max(50, FUZZ.cases / 10)), seed: FUZZ.seed + 1 })) await search(c);
      },
    });
    for (const [defect, count] of knownHits) process.stdout.write(`fuzz spl: known SPL 5xx (reported, not fixed here) ×${count}: ${defect}\n`);
    expect(summary.problems, describeProblems(summary)).toEqual([]);
    expect((await fetch(`${api}/health`)).status).toBe(200);
    expect(memoryProblem(summary)).toBeUndefined();
  }, timeoutFor(60));
});
