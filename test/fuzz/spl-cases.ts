/**
 * Search inputs for the SPL property test: real queries (the goldens, the analyst workload) cut,
 * spliced and salted with SPL punctuation, keywords and extreme literals, plus random eval
 * expressions over every eval function. Used by test/spl/search-fuzz.test.ts (a slice in
 * `npm test`) and test/fuzz/spl-fuzz.ts (the nightly-sized run).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { analystQueries } from '../../bench/support/analyst-queries.js';
import { COMMANDS } from '../../src/siem/index.js';
import { EVAL_FUNCTIONS } from '../../src/siem/spl/eval-functions.js';

/** Every query in the golden files and the analyst workload: the seeds mutations start from. */
export function seedQueries(): string[] {
  const out: string[] = [];
  for (const sub of ['goldens', 'doc-goldens']) {
    const dir = join(import.meta.dirname, '..', 'spl', sub);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    } catch {
      continue;
    }
    for (const file of files) for (const c of parse(readFileSync(join(dir, file), 'utf8')) as Array<{ query?: string }>) if (typeof c.query === 'string') out.push(c.query);
  }
  for (const q of analystQueries()) out.push(q.query);
  return out;
}

const FIELDS = ['thing', 'name', 'value.count', 'value.ports{}', 'user', 'bytes', 'status', '_time', '_raw', 'host', 'x', 'checkName', 'tags{}', 'items{}.qty', 'missing', '"a b"', "'value.count'"];
const PUNCT = ['|', '(', ')', '[', ']', '"', "'", '=', '!=', '<', '>=', ',', '*', '::', '\\', '{', '}', '$', '`', '%', '.', '-', '+', '/', '@', '\n', '\t', ' '];
const WORDS = ['AND', 'OR', 'NOT', 'XOR', 'IN', 'LIKE', 'by', 'over', 'as', 'AS', 'span=', 'bins=', 'limit=', 'earliest=', 'latest=', 'max=', 'type=', 'count', 'sum(', 'eval', 'where', 'search', 'TERM(', 'CASE(', 'output=', 'OUTPUT', 'WHERE', 'prefix=', 'fieldstr='];
const LITERALS = ['0', '-0', '1e308', '-1e308', '1e999', '99999999999999999999', '2147483648', '9223372036854775808', '0.1', '.5', '5.', 'NaN', 'Infinity', '""', '"%Y-%m-%d %H:%M:%S %z"', '"%F %T %s %N %Q"', '"\\\\"', '"(unclosed"', '"[a-"', '"*"', '"-1d@d"', '"@w7"', '"+99999y"', '"0x1F"', '"é漢字"', '"\\u0000"'];

const pick = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...items);

/** A seed query changed by 1–4 edits: a cut, a splice of another query's slice, an inserted token, a duplicated pipe segment. */
export function mutatedQuery(seeds: readonly string[]): fc.Arbitrary<string> {
  const commands = Object.keys(COMMANDS);
  const token = fc.oneof(pick(PUNCT), pick(WORDS), pick(LITERALS), pick(FIELDS), pick(commands).map((c) => `| ${c} `), pick(Object.keys(EVAL_FUNCTIONS)).map((f) => `${f}(`));
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: token }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), from: pick(seeds), start: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('segment' as const), at: fc.nat(), from: pick(seeds) }),
  );
  return fc.tuple(pick(seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
    let q = seed;
    for (const e of edits) {
      const at = q.length === 0 ? 0 : e.at % (q.length + 1);
      if (e.kind === 'insert') q = `${q.slice(0, at)}${e.text}${q.slice(at)}`;
      else if (e.kind === 'delete') q = `${q.slice(0, at)}${q.slice(at + e.length)}`;
      else if (e.kind === 'splice') {
        const start = e.from.length === 0 ? 0 : e.start % e.from.length;
        q = `${q.slice(0, at)}${e.from.slice(start, start + e.length)}${q.slice(at)}`;
      } else {
        const segments = e.from.split('|');
        const segment = segments[at % segments.length] ?? '';
        q = `${q} |${segment}`;
      }
    }
    return q;
  });
}

/** A random eval expression over every eval function (right and wrong arities), operators and literals. */
export function evalExpression(): fc.Arbitrary<string> {
  const functions = Object.keys(EVAL_FUNCTIONS);
  const { expr } = fc.letrec<{ expr: string; leaf: string }>((tie) => ({
    leaf: fc.oneof(pick(FIELDS.filter((f) => !f.includes('"'))), pick(LITERALS), fc.integer().map(String), fc.double({ noNaN: false }).map((d) => (Number.isFinite(d) ? String(d) : '1e999')), fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s))),
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.tuple(pick(functions), fc.array(tie('expr'), { maxLength: 4 })).map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.tuple(tie('expr'), pick(['+', '-', '*', '/', '%', '.', '=', '!=', '<', '>=', 'AND', 'OR', 'XOR', 'LIKE']), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
      tie('expr').map((e) => `(${e})`),
      tie('expr').map((e) => `NOT ${e}`),
      tie('expr').map((e) => `-${e}`),
    ),
  }));
  return expr;
}

/** An eval expression inside a search over the corpus: as eval, where, a stats input or a by clause. */
export function evalSearch(): fc.Arbitrary<string> {
  return fc.tuple(evalExpression(), fc.constantFrom('eval', 'where', 'stats', 'chart')).map(([e, how]) => {
    switch (how) {
      case 'eval':
        return `index=* | head 30 | eval x=${e} | table _time x`;
      case 'where':
        return `index=* | where ${e}`;
      case 'stats':
        return `index=* | eval x=${e} | stats count dc(x) max(x) values(x) by host`;
      default:
        return `index=* | eval x=${e} | timechart span=5m count by x`;
    }
  });
}

/** Mutated queries and eval searches, half each. */
export function searchInput(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(mutatedQuery(seeds), evalSearch());
}
