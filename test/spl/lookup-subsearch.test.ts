import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/core/index.js';
import { compileSpl } from '../../src/siem/index.js';
import { formatSubsearch } from '../../src/siem/spl/subsearch.js';
import { NOW_MS } from './corpus.js';
import { openGoldenStore, type GoldenStore } from './golden-store.js';

let store: GoldenStore;

beforeAll(async () => {
  store = await openGoldenStore();
  await store.lookups.upload('big', `n\n${Array.from({ length: 10_001 }, (_v, i) => i + 1).join('\n')}\n`);
  await store.lookups.upload('many', `k,v\n${Array.from({ length: 150 }, (_v, i) => `x,${i + 1}`).join('\n')}\n`);
  await store.lookups.upload('tags', 'tag,label\nsql,database\nslow,perf\n');
});
afterAll(async () => {
  await store.close();
});

async function failure(query: string): Promise<VigilError> {
  const error = await store.search({ query }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VigilError);
  return error as VigilError;
}

describe('subsearches', () => {
  it('an error inside a subsearch points at the token in the outer query', async () => {
    const query = 'index=main [ search index=main | frobnicate ] | stats count';
    const error = await failure(query);
    expect(error.code).toBe('spl.unknown_command');
    expect(error.span).toEqual({ offset: query.indexOf('frobnicate'), length: 'frobnicate'.length });
  });

  it('an error after a subsearch keeps its offset in the query as written', async () => {
    const query = 'index=main [ | inputlookup users.csv | fields user ] | nosuch x';
    const error = await failure(query);
    expect(error.code).toBe('spl.unknown_command');
    expect(error.span).toEqual({ offset: query.indexOf('nosuch'), length: 'nosuch'.length });
  });

  it('a subsearch contributes at most 10000 rows (maxout); the rest are dropped', async () => {
    const result = await store.search({ query: '| inputlookup big WHERE [ | inputlookup big | fields n ] | stats count, max(n) AS last' });
    expect(result.rows).toEqual([{ count: '10000', last: '10000' }]);
    expect(result.messages).toEqual([{ type: 'WARN', text: 'a subsearch returned more than 10000 rows; only the first 10000 were used (subsearch maxout)' }]);
  });

  it('a subsearch running past maxtime (60 s) is cancelled and fails the search', async () => {
    const list = `split("${Array.from({ length: 1000 }, (_v, i) => i).join(',')}", ",")`;
    const endless = `index=main | eval a=${list} | mvexpand a | eval b=${list} | mvexpand b | eval c=${list} | mvexpand c | stats count`;
    let settled = false;
    const outcome = store.search({ query: `index=main [ search ${endless} ]` }).then(
      () => undefined,
      (e: unknown) => e,
    );
    void outcome.finally(() => {
      settled = true;
    });
    while (store.time.pending() === 0) await new Promise((r) => setImmediate(r));
    await store.time.advance(60_000);
    // An interrupt that lands before DuckDB starts the statement is repeated every 50 ms (fake time).
    while (!settled) {
      await store.time.advance(50);
      await new Promise((r) => setImmediate(r));
    }
    const error = await outcome;
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('siem.search_timeout');
    expect((error as VigilError).message).toBe('a subsearch ran longer than 60 s (subsearch maxtime) and was cancelled');
  });

  it('the implicit format: multivalues OR-ed, quotes escaped, _ fields left out, search spliced raw, no rows → NOT ()', () => {
    expect(formatSubsearch({ columns: ['_time', 'x', 'y'], rows: [{ _time: 't', x: ['a', 'b'], y: 'say "hi" \\o/' }] })).toBe('( ( ( x="a" OR x="b" ) AND y="say \\"hi\\" \\\\o/" ) )');
    expect(formatSubsearch({ columns: ['search'], rows: [{ search: 'user=bob OR user=carol' }] })).toBe('( ( ( user=bob OR user=carol ) ) )');
    expect(formatSubsearch({ columns: ['x'], rows: [{ x: 'a' }, { x: 'a' }, {}] })).toBe('( ( x="a" ) )');
    expect(formatSubsearch({ columns: ['x'], rows: [] })).toBe('NOT ()');
  });

  it('a compile-only check (CLI pre-check, --explain) accepts subsearches and lookups but still checks their syntax', () => {
    const options = { nowMs: NOW_MS, maxRows: 10 };
    expect(() => compileSpl('index=main [ | inputlookup users.csv | fields user ] | lookup users user OUTPUT department', options)).not.toThrow();
    const query = 'index=main NOT [ search index=main | nosuch ]';
    const error = (() => {
      try {
        compileSpl(query, options);
      } catch (e) {
        return e as VigilError;
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('spl.unknown_command');
    expect(error.span?.offset).toBe(query.indexOf('nosuch'));
  });
});

describe('lookup matching', () => {
  it('keeps at most 100 matches per event, in file order', async () => {
    const result = await store.search({ query: '| inputlookup users.csv max=1 | eval k="x" | lookup many k OUTPUT v | table v' });
    const values = result.rows[0]?.['v'] as string[];
    expect(values).toHaveLength(100);
    expect([values[0], values[99]]).toEqual(['1', '100']);
  });

  it('looks up every value of a multivalue input field', async () => {
    const result = await store.search({ query: 'index=main user=dave | lookup tags tag AS tags{} OUTPUT label | table user, label' });
    expect(result.rows).toEqual([{ user: 'dave', label: ['database', 'perf'] }]);
  });

  it('an unknown lookup error lists the available lookups', async () => {
    const error = await failure('index=main | lookup nope user');
    expect(error.message).toBe("unknown lookup 'nope'");
    expect(error.hint).toBe('available lookups: big, many, tags, things.csv, threat_intel.csv, users.csv');
  });
});
