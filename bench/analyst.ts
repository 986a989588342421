/**
 * `npm run bench -- analyst [--events N]`: 108 realistic analyst searches (stats / eval / where /
 * rex / lookup / subsearch / join / transaction mixes: bench/support/analyst-queries.ts) over 1 M stored events
 * (default), each run once after one warm-up pass; reports p50 / p95 / max latency overall and the
 * median per search shape.
 */
import { analystQueries } from './support/analyst-queries.js';
import { openAnalystStore } from './support/analyst-store.js';
import { fmt, median, percentile, type BenchContext, type BenchReport } from './types.js';

export default async function analyst(ctx: BenchContext): Promise<BenchReport> {
  const at = ctx.args.indexOf('--events');
  const events = at >= 0 ? Number(ctx.args[at + 1]) : 1_000_000;
  if (!Number.isInteger(events) || events < 1) throw new Error('--events takes a positive integer');
  const loadStart = performance.now();
  const store = await openAnalystStore(events, (n) => {
    if (n % 100_000 === 0) ctx.progress(`stored ${n} events`);
  });
  ctx.progress(`corpus: ${events} events in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
  try {
    const queries = analystQueries();
    // Warm-up: one pass so every search runs against a warm cache, as an analyst's second query does.
    for (const q of queries) await store.search({ query: q.query });
    const timings: Array<{ family: string; ms: number; rows: number }> = [];
    for (const [i, q] of queries.entries()) {
      const start = performance.now();
      const result = await store.search({ query: q.query });
      timings.push({ family: q.family, ms: performance.now() - start, rows: result.rows.length });
      if ((i + 1) % 25 === 0) ctx.progress(`${i + 1}/${queries.length} searches`);
    }
    const all = timings.map((t) => t.ms);
    const families = [...new Set(timings.map((t) => t.family))];
    // The first 100 are the 25 shapes measured before join and transaction were added: compare those.
    const first = all.slice(0, 100);
    const rows: Array<Array<string | number>> = [
      ['first 100 searches (25 shapes)', `${fmt(percentile(first, 50), 0)} ms`, `${fmt(percentile(first, 95), 0)} ms`, `${fmt(Math.max(...first), 0)} ms`, ''],
      [`all ${all.length} searches`, `${fmt(percentile(all, 50), 0)} ms`, `${fmt(percentile(all, 95), 0)} ms`, `${fmt(Math.max(...all), 0)} ms`, ''],
    ];
    for (const family of families) {
      const mine = timings.filter((t) => t.family === family);
      rows.push([family, `${fmt(median(mine.map((t) => t.ms)), 0)} ms`, '', `${fmt(Math.max(...mine.map((t) => t.ms)), 0)} ms`, fmt(median(mine.map((t) => t.rows)), 0)]);
    }
    return {
      columns: ['searches', 'p50 (median per shape)', 'p95', 'max', 'rows (median)'],
      rows,
      notes: [
        `${fmt(events, 0)} events over 7 days: 55% Device Defender metrics (JSON), 30% broker and 10% auth log lines (key=value text), 5% audit findings (JSON); lookup \`things\` (200 rows).`,
        '27 search shapes x 4 parameter sets (bench/support/analyst-queries.ts; the first 25 are the shapes of earlier runs); every search over the whole range unless it sets earliest; one warm-up pass, then each search once, sequentially, on a DuckDB file store.',
      ],
    };
  } finally {
    await store.close();
  }
}
