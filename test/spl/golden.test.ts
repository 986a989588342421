import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VigilError } from '../../src/core/index.js';
import { openGoldenStore, type GoldenStore } from './golden-store.js';

/**
 * SPL goldens: each YAML case is a query (with optional earliest/latest) and the rows it must return
 * over the demo corpus (corpus.ts). `match: subset` compares only the keys each expected row lists
 * (event searches carry many fields); otherwise rows must be equal. `columns` pins the column order;
 * `error` expects a failure with that code.
 */
interface GoldenCase {
  readonly name: string;
  readonly query: string;
  readonly earliest?: string;
  readonly latest?: string;
  readonly columns?: string[];
  readonly rows?: Array<Record<string, string | string[]>>;
  readonly match?: 'exact' | 'subset';
  readonly count?: number;
  readonly error?: string;
}

const dir = join(import.meta.dirname, 'goldens');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
let store: GoldenStore;

beforeAll(async () => {
  store = await openGoldenStore();
});
afterAll(async () => {
  await store.close();
});

for (const file of files) {
  const cases = parse(readFileSync(join(dir, file), 'utf8')) as GoldenCase[];
  describe(`SPL golden ${file}`, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const run = store.search({ query: c.query, earliest: c.earliest, latest: c.latest });
        if (c.error !== undefined) {
          const error = await run.then(() => undefined, (e: unknown) => e);
          expect(error).toBeInstanceOf(VigilError);
          expect((error as VigilError).code).toBe(c.error);
          return;
        }
        const result = await run;
        if (process.env['SPL_GOLDEN_PRINT'] === '1') console.log(JSON.stringify({ name: c.name, columns: result.columns, rows: result.rows }));
        if (c.columns !== undefined) expect(result.columns).toEqual(c.columns);
        if (c.count !== undefined) expect(result.rows.length).toBe(c.count);
        if (c.rows !== undefined) {
          if (c.match === 'subset') {
            expect(result.rows.length).toBe(c.rows.length);
            const picked = result.rows.map((row, i) => Object.fromEntries(Object.keys(c.rows?.[i] ?? {}).map((k) => [k, row[k]])));
            expect(picked).toEqual(c.rows);
          } else expect(result.rows).toEqual(c.rows);
        }
      });
    }
  });
}
