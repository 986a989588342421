import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { FUZZ, describeProblems, duckdbMemoryMb, hostileJson, hostileString, memoryProblem, runFuzz, timeoutFor, type CaseResult } from './fuzz-support.js';

/**
 * Rule SQL from outside: CreateTopicRule with statements from a grammar of the SQL subset (paths,
 * calls, operators, literals, nesting), the same with characters dropped or inserted, long OR
 * chains and deep nesting past the limits, and random text; each accepted rule then evaluates
 * generated messages on a matching topic. Every answer must be below 500 with a message; no rule
 * may throw while evaluating.
 */

let vigil: TestVigil;
let api: string;
let headers: Record<string, string>;

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' } });
  api = vigil.running.endpoints['api'] as string;
  headers = { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' };
});
afterAll(async () => vigil?.stop());

const FUNCTIONS = ['topic', 'clientid', 'timestamp', 'newuuid', 'get', 'concat', 'lower', 'upper', 'length', 'startswith', 'abs', 'floor', 'ceil', 'round', 'isundefined', 'isnull', 'nosuch'];
const OPS = ['AND', 'OR', '=', '<>', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%'];
const ident = fc.constantFrom('a', 'b', 'c', 'state', 'reported', 'temp', 'x1', 'value');
const quoted = fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/'/g, "''")}'`);

const { expr } = fc.letrec<{ expr: string; path: string }>((tie) => ({
  path: fc.tuple(ident, fc.array(fc.oneof(ident.map((i) => `.${i}`), tie('expr').map((e) => `[${e}]`), fc.nat({ max: 5 }).map((n) => `[${n}]`)), { maxLength: 3 })).map(([root, steps]) => root + steps.join('')),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), quoted, fc.constantFrom('TRUE', 'FALSE', 'NULL', 'UNDEFINED')),
    tie('path'),
    fc.tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie('expr'), { maxLength: 2 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(fc.constantFrom('NOT ', '-'), tie('expr')).map(([op, e]) => `${op}${e}`),
    fc.tuple(tie('expr'), fc.constantFrom(...OPS), tie('expr')).map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(tie('expr'), fc.constantFrom('IS NULL', 'IS NOT NULL', 'IS UNDEFINED', 'IS NOT UNDEFINED')).map(([e, t]) => `${e} ${t}`),
    fc.array(fc.tuple(ident, tie('expr')), { maxLength: 3 }).map((entries) => `{${entries.map(([k, v]) => `'${k}': ${v}`).join(', ')}}`),
    fc.array(tie('expr'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  ),
}));

const level = fc.constantFrom('a', 'b', 'sensors', 'x', '+', 'dev-1');
const filter = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.array(level, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([levels, hash]) => [...levels, ...(hash ? ['#'] : [])].join('/')) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('a', '+', '#', '', '$aws', 'x#', 'y+'), { minLength: 1, maxLength: 4 }).map((levels) => levels.join('/')) },
);

const statement = fc.tuple(fc.oneof(fc.constant('*'), fc.array(fc.tuple(expr, fc.option(ident, { nil: undefined })), { minLength: 1, maxLength: 3 }).map((items) => items.map(([e, as]) => (as === undefined ? e : `${e} AS ${as}`)).join(', '))), filter, fc.option(expr, { nil: undefined })).map(([select, from, where]) => `SELECT ${select} FROM '${from.replace(/'/g, "''")}'${where === undefined ? '' : ` WHERE ${where}`}`);

const sql = fc.oneof(
  { weight: 6, arbitrary: statement },
  { weight: 2, arbitrary: fc.tuple(statement, fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 })).map(([s, at, drop, insert]) => { const i = at % (s.length + 1); return s.slice(0, i) + insert + s.slice(i + drop); }) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 12_000 }).map((n) => `SELECT * FROM 'a/#' WHERE ${Array.from({ length: n }, (_v, i) => `a = ${i}`).join(' OR ')}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 10, max: 3000 }), fc.constantFrom(['(', ')'], ['NOT ', ''], ['-', ''], ['abs(', ')'], ['[', ']'], ["{'k': ", '}'])).map(([n, [open, close]]) => `SELECT * FROM 'a/#' WHERE ${open.repeat(n)}a${close.repeat(n)} = 1`) },
  { weight: 1, arbitrary: hostileString(500) },
);

const ACTIONS = [{ republish: { topic: 'fuzz/out/${topic()}' } }, { firehose: { deliveryStreamName: 'no-such-stream' } }, { sns: { targetArn: 'arn:aws:sns:local:000000000000:nope' } }];
const ruleCase = fc.record({
  sql,
  actions: fc.subarray(ACTIONS),
  errorAction: fc.option(fc.constant({ republish: { topic: 'fuzz/errors' } }), { nil: undefined }),
  extra: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('description', 'ruleDisabled', 'awsIotSqlVersion', 'actions', 'sql'), hostileJson(), { maxKeys: 2 }) }),
  messages: fc.array(fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.dictionary(ident, fc.jsonValue({ maxDepth: 2 })).map((v) => JSON.stringify(v)), hostileString(200), fc.integer({ min: 400, max: 5000 }).map((d) => `{"a":${'['.repeat(d)}1${']'.repeat(d)}}`)), { maxLength: 3 }),
});

let serial = 0;

/** A topic that the rule's FROM filter matches (wildcards filled in). */
function topicFor(statementText: string): string {
  const from = /FROM '((?:[^']|'')*)'/.exec(statementText)?.[1]?.replace(/''/g, "'") ?? 'a';
  const levels = from.split('/').flatMap((l) => (l === '+' ? ['p'] : l === '#' ? ['q', 'r'] : [l]));
  return levels.join('/') || 'a';
}

async function check(c: typeof ruleCase extends fc.Arbitrary<infer T> ? T : never): Promise<CaseResult> {
  const name = `Fuzz_${++serial}`;
  const body = { sql: c.sql, actions: c.actions, ...(c.errorAction === undefined ? {} : { errorAction: c.errorAction }), ...c.extra };
  const response = await fetch(`${api}/rules/${name}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status >= 500) return { outcome: String(response.status), problem: { kind: '5xx', detail: `${response.status} ${text.slice(0, 300)}` } };
  if (response.status !== 200) {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message !== 'string' || message === '') return { outcome: 'unclear', problem: { kind: 'unclear', detail: `${response.status} ${text.slice(0, 200)}` } };
    return { outcome: `refused:${message.replace(/ at position.*| \(.*|"[^"]*"|'[^']*'|\d+/g, '').slice(0, 40)}` };
  }
  const failuresBefore = vigil.running.telemetry.counter('component_error', { component: 'rules' });
  const topic = topicFor(c.sql);
  for (const message of c.messages) await vigil.running.ingress.publisher.publish(topic, Buffer.from(message), { qos: 0 });
  await new Promise((r) => setImmediate(r));
  await vigil.running.ingress.settled();
  const deleted = await fetch(`${api}/rules/${name}`, { method: 'DELETE', headers });
  if (deleted.status !== 200) return { outcome: 'delete-failed', problem: { kind: 'delete-failed', detail: `${deleted.status} ${await deleted.text()}` } };
  const failures = vigil.running.telemetry.counter('component_error', { component: 'rules' }) - failuresBefore;
  if (failures > 0) return { outcome: 'threw', problem: { kind: 'rule-threw', detail: `${failures} evaluation failure(s) on ${JSON.stringify(c.messages).slice(0, 200)}` } };
  return { outcome: 'created' };
}

describe(`rule SQL fuzz (${FUZZ.cases} rules, seed ${FUZZ.seed})`, () => {
  it('answers every generated CreateTopicRule below 500 with a message, and no accepted rule throws on generated messages', async () => {
    const summary = await runFuzz('rule-sql', ruleCase, check, {
      duckMb: () => duckdbMemoryMb(vigil.running.stores.events),
      show: (c) => JSON.stringify({ ...c, sql: c.sql.length > 300 ? `${c.sql.slice(0, 300)}…(${c.sql.length})` : c.sql, messages: c.messages.map((m) => m.slice(0, 80)) }),
      warmup: async () => {
        for (const c of fc.sample(ruleCase, { numRuns: Math.min(1000, Math.max(50, FUZZ.cases / 10)), seed: FUZZ.seed + 1 })) await check(c);
      },
    });
    expect(summary.problems, describeProblems(summary)).toEqual([]);
    expect(summary.outcomes['created'] ?? 0).toBeGreaterThan(0);
    expect((await fetch(`${api}/health`)).status).toBe(200);
    expect(memoryProblem(summary)).toBeUndefined();
  }, timeoutFor(10));
});
