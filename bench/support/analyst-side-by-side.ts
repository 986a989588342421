/**
 * `npx tsx bench/support/analyst-side-by-side.ts --base DIR [--events N]`: the analyst workload's first
 * 100 searches on another checkout (DIR, with its node_modules, e.g. a worktree of the base commit) and
 * on this one, in one process over the same generated corpus: one warm-up pass, then each search once
 * on each side in turn, the order flipped every other search so neither side always runs second.
 * Prints p50 / p95 / max of each side, the median per-search ratio (this / base) and per shape the
 * median of each side and the four ratios. For comparing on a shared, noisy machine.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analystQueries } from './analyst-queries.js';
import { openAnalystStore } from './analyst-store.js';

type Store = Awaited<ReturnType<typeof openAnalystStore>>;
const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const baseDir = arg('--base');
if (baseDir === undefined) throw new Error('--base DIR (a checkout of the commit to compare against) is required');
const events = Number(arg('--events') ?? 1_000_000);
const baseModule = (await import(pathToFileURL(resolve(baseDir, 'bench/support/analyst-store.ts')).href)) as { openAnalystStore: typeof openAnalystStore };

const base = await baseModule.openAnalystStore(events);
const mine = await openAnalystStore(events);
const queries = analystQueries().slice(0, 100);
for (const q of queries) {
  await base.search({ query: q.query });
  await mine.search({ query: q.query });
}
const time = async (store: Store, query: string): Promise<number> => {
  const start = performance.now();
  await store.search({ query });
  return performance.now() - start;
};
const tb: number[] = [];
const tm: number[] = [];
for (const [i, q] of queries.entries()) {
  if (i % 2 === 0) {
    tb.push(await time(base, q.query));
    tm.push(await time(mine, q.query));
  } else {
    tm.push(await time(mine, q.query));
    tb.push(await time(base, q.query));
  }
}
await base.close();
await mine.close();
const pct = (xs: number[], p: number): number => [...xs].sort((x, y) => x - y)[Math.ceil((p / 100) * xs.length) - 1] as number;
const ratios = tb.map((b, i) => (tm[i] as number) / b);
const side = (xs: number[]): { p50: number; p95: number; max: number } => ({ p50: Math.round(pct(xs, 50)), p95: Math.round(pct(xs, 95)), max: Math.round(Math.max(...xs)) });
console.log(JSON.stringify({ events, base: side(tb), this: side(tm), medianRatio: Number(pct(ratios, 50).toFixed(2)), p50Ratio: Number((pct(tm, 50) / pct(tb, 50)).toFixed(2)), p95Ratio: Number((pct(tm, 95) / pct(tb, 95)).toFixed(2)) }));
const shapes = new Map<string, number[]>();
queries.forEach((q, i) => shapes.set(q.family, [...(shapes.get(q.family) ?? []), i]));
for (const [family, at] of shapes) {
  console.log(`${family}\tbase ${Math.round(pct(at.map((i) => tb[i] as number), 50))} ms\tthis ${Math.round(pct(at.map((i) => tm[i] as number), 50))} ms\t${at.map((i) => (ratios[i] as number).toFixed(2)).join(' ')}`);
}
