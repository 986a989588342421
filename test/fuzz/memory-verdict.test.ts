import { describe, expect, it } from 'vitest';
import { memoryLevels, memoryProblem, type FuzzSummary, type MemorySample } from './fuzz-support.js';

/**
 * The fuzz suites' memory verdict on made-up sample series: it must pass the noise a real run
 * shows (single readings after GC 20-30 MB apart) and fail a level that rises, in RSS or in the
 * live JavaScript heap.
 */

function summaryOf(samples: MemorySample[]): FuzzSummary {
  const first = samples[0] as MemorySample;
  const last = samples[samples.length - 1] as MemorySample;
  return { surface: 'x', cases: last.done, seed: 1, problems: [], counts: {}, outcomes: {}, samples, rssStartMb: first.rssMb, rssEndMb: last.rssMb, heapStartMb: first.liveMb, heapEndMb: last.liveMb, heapTotalEndMb: 0, externalEndMb: 0, duckStartMb: first.duckMb, duckEndMb: last.duckMb, seconds: 1 };
}

/** 21 samples over 100,000 cases (every 5,000), RSS and live memory given per sample index. */
function series(rss: (i: number) => number, live: (i: number) => number = () => 160, duck: (i: number) => number = () => 1): MemorySample[] {
  return Array.from({ length: 21 }, (_v, i) => ({ done: i * 5000, rssMb: rss(i), liveMb: live(i), duckMb: duck(i) }));
}

describe('fuzz memory verdict', () => {
  it('passes a flat level with single readings swinging by 30 MB (glibc keeping freed memory), and a last reading high on its own', () => {
    const rss = (i: number) => (i === 20 ? 355 : 320 + (i % 3 === 0 ? 30 : 0));
    const summary = summaryOf(series(rss));
    expect(memoryLevels(summary).ownStartMb).toBeCloseTo(319, 0);
    expect(memoryProblem(summary, { floorMb: 0 })).toBeUndefined();
  });

  it('fails RSS that keeps rising, naming the levels', () => {
    const problem = memoryProblem(summaryOf(series((i) => 300 + i * 6)));
    expect(problem).toMatch(/^RSS without DuckDB's cache rose from 314 MB to 404 MB \(limit 354 MB\)/);
  });

  it('does not count DuckDB filling its capped block cache', () => {
    expect(memoryProblem(summaryOf(series((i) => 300 + i * 6, undefined, (i) => 1 + i * 6)), { floorMb: 0 })).toBeUndefined();
  });

  it('fails a live heap that grows while RSS stays flat (a retained cache inside reserved heap)', () => {
    const problem = memoryProblem(summaryOf(series(() => 330, (i) => 150 + i * 3)), { floorMb: 0 });
    expect(problem).toMatch(/V8 heap in use \+ external rose from 158 MB to 203 MB \(limit 173 MB\)/);
  });

  it('applies the floor for small baselines and the 10 % bound for large ones', () => {
    expect(memoryProblem(summaryOf(series((i) => (i < 10 ? 300 : 338))))).toBeUndefined();
    expect(memoryProblem(summaryOf(series((i) => (i < 10 ? 300 : 338))), { floorMb: 0 })).toMatch(/from 299 MB to 337 MB \(limit 329 MB\)/);
  });
});
