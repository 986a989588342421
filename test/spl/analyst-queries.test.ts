import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analystQueries } from '../../bench/support/analyst-queries.js';
import { ANALYST_NOW_MS, openAnalystStore, type AnalystStore } from '../../bench/support/analyst-store.js';
import { corpusEvents, expectedAnswer, sameRow, type Ev, type Row } from './analyst-expected.js';

/**
 * The 108 searches `npm run bench -- analyst` times, run here over a small copy of its corpus, each
 * checked against the answer test/spl/analyst-expected.ts computes in plain TypeScript over the
 * same events (not through the SPL engine).
 */
const EVENTS = 30_000;
let store: AnalystStore | undefined;
let events: Ev[] = [];

beforeAll(async () => {
  store = await openAnalystStore(EVENTS);
  events = corpusEvents(EVENTS, ANALYST_NOW_MS);
}, 120_000);
afterAll(async () => {
  await store?.close();
});

const counters = new Map<string, number>();

describe('analyst workload searches', () => {
  for (const [n, q] of analystQueries().entries()) {
    const i = counters.get(q.family) ?? 0;
    counters.set(q.family, i + 1);
    it(`#${n + 1} ${q.family}: the answer computed independently`, async () => {
      const result = await store!.search({ query: q.query });
      const expected = expectedAnswer(q.family, i, events, ANALYST_NOW_MS);
      expect(expected, `no independent answer for ${q.family}`).toBeDefined();
      if (expected === undefined) return;
      const actual = result.rows as Row[];
      expect(actual.length, q.query).toBeGreaterThan(0);
      const show = (rows: Row[]): string => JSON.stringify(rows.slice(0, 8));
      if (expected.mode === 'ordered') {
        expect(actual.length, q.query).toBe(expected.rows.length);
        actual.forEach((row, k) => expect(sameRow(row, expected.rows[k] as Row), `${q.query}\nrow ${k}: ${JSON.stringify(row)} vs ${JSON.stringify(expected.rows[k])}`).toBe(true));
      } else if (expected.mode === 'set') {
        expect(actual.length, `${q.query}\n${show(actual)}\n${show(expected.rows)}`).toBe(expected.rows.length);
        for (const row of actual) expect(expected.rows.some((e) => sameRow(row, e)), `${q.query}\nunexpected ${JSON.stringify(row)}`).toBe(true);
      } else {
        // The top n by the key: every row right, and the keys the n best (ties in any order).
        expect(actual.length, q.query).toBe(Math.min(expected.n, expected.rows.length));
        for (const row of actual) expect(expected.rows.some((e) => sameRow(row, e)), `${q.query}\nunexpected ${JSON.stringify(row)}`).toBe(true);
        const sorted = expected.rows.map((r) => Number(r[expected.key])).sort((a, b) => (expected.descending ? b - a : a - b));
        expect(actual.map((r) => Number(r[expected.key])), q.query).toEqual(sorted.slice(0, actual.length));
      }
    });
  }
});
