import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { duckdbMemoryBytes, type EventsDb } from '../../src/store/index.js';

/**
 * Shared machinery of the fuzz suites. Case count and seed come from `VIGIL_FUZZ_CASES` and
 * `VIGIL_FUZZ_SEED` (set by `npm run test:fuzz -- --cases N --seed S`); `npm test` runs a quick
 * slice with a fixed seed. Every case is checked, problems are collected (not shrunk: each case is a
 * real request to a real server), and the suite fails listing the first ones with their inputs.
 */
export const FUZZ = {
  cases: positiveInt(process.env['VIGIL_FUZZ_CASES'], 150),
  seed: positiveInt(process.env['VIGIL_FUZZ_SEED'], 19),
  /** A time budget per surface (`--minutes M`): the run stops there and reports the cases it did. */
  minutes: positiveInt(process.env['VIGIL_FUZZ_MINUTES'], 0),
  /** Set by `npm run test:fuzz`: a long run, bounded by its case count or time budget only. */
  long: process.env['VIGIL_FUZZ_CASES'] !== undefined,
};

/** Test timeout for a suite of `cases` cases at about `msPerCase` each (generous: the box is shared). */
export function timeoutFor(msPerCase: number, cases = FUZZ.cases): number {
  // A long run is stopped by its case count or `--minutes`, not by a per-case guess on a busy box.
  if (FUZZ.long) return FUZZ.minutes > 0 ? (FUZZ.minutes + 10) * 60_000 : 24 * 3_600_000;
  return 120_000 + cases * msPerCase * 4;
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: unknown) => void;

/**
 * Resident set size in MB once garbage collection has settled. One forced GC is not enough to read
 * a level: V8 hands freed pages back after the collection (its sweeper and memory reducer run
 * later), so two readings a second apart differed by up to 25 MB in the diagnostic runs of
 * 2026-12-07 (bench/RESULTS.md, reliability notes). Collects until RSS stops falling (at most 8
 * rounds) and returns the lowest reading.
 */
export async function rssAfterGc(): Promise<number> {
  let lowest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 8; round++) {
    gc();
    await new Promise((r) => setTimeout(r, round < 2 ? 50 : 150));
    const rss = process.memoryUsage().rss / 1_048_576;
    if (round >= 2 && rss > lowest - 1) return Math.min(lowest, rss);
    lowest = Math.min(lowest, rss);
  }
  return lowest;
}

/** V8 heap in use in MB (call after `rssAfterGc`). */
export function heapUsedMb(): number {
  return process.memoryUsage().heapUsed / 1_048_576;
}

/** One reading of the process's memory after GC, `done` cases into the run (0: after the warm-up). */
export interface MemorySample {
  readonly done: number;
  readonly rssMb: number;
  /** JavaScript objects (V8 heap in use) plus memory outside the heap that they hold (Buffers). */
  readonly liveMb: number;
  /** DuckDB's block cache (duckdb_memory()), capped by store.duckdb_memory_limit_mb and filled by design. */
  readonly duckMb: number;
}

async function sampleMemory(done: number, duckMb: () => Promise<number>): Promise<MemorySample> {
  const rssMb = await rssAfterGc();
  const { heapUsed, external } = process.memoryUsage();
  return { done, rssMb, liveMb: (heapUsed + external) / 1_048_576, duckMb: await duckMb() };
}

/**
 * Optional diagnostics (not needed for the verdict): `VIGIL_FUZZ_MEMLOG=file` (`--memlog` of `npm
 * run test:fuzz`) appends one JSON line per memory sample with V8's spaces (used, resident) and
 * /proc/self/smaps_rollup; `VIGIL_FUZZ_MALLOC_ADDON=path` loads `malloc-diag.cc` built as a Node
 * addon (build line in that file) and adds glibc's mallinfo2 (arena, in use, free), and with
 * `VIGIL_FUZZ_MALLOC_TRIM=1` RSS again after malloc_trim(0). `VIGIL_FUZZ_HEAPSNAP=dir` writes V8
 * heap snapshots after the warm-up and at the end (to diff what the heap gained; writing one grows
 * RSS by ~150 MB, so such a run says nothing about RSS). `VIGIL_FUZZ_SAMPLE_EVERY=n` samples every n
 * cases instead of every twentieth.
 */
const MEMLOG = process.env['VIGIL_FUZZ_MEMLOG'];
const mallocDiag = process.env['VIGIL_FUZZ_MALLOC_ADDON'] === undefined ? undefined : (createRequire(import.meta.url)(process.env['VIGIL_FUZZ_MALLOC_ADDON']) as { info(): Record<string, number>; trim(): number });

function smapsRollup(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m !== null) out[m[1] as string] = Math.round(Number(m[2]) / 1024);
  }
  return out;
}

function memlog(surface: string, sample: MemorySample): void {
  if (MEMLOG === undefined) return;
  const mb = (n: number) => Math.round(n / 1_048_576);
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ''), [mb(s.space_used_size), mb(s.physical_space_size)]]));
  const smaps = smapsRollup();
  const line: Record<string, unknown> = { surface, done: sample.done, t: Math.round(performance.now() / 1000), rss: Math.round(sample.rssMb), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), duck: Math.round(sample.duckMb), anon: smaps['Anonymous'], file: smaps['Pss_File'], spaces };
  const malloc = mallocDiag?.info();
  if (malloc !== undefined) {
    line['malloc'] = { arena: mb(malloc['arena'] ?? 0), mmapped: mb(malloc['hblkhd'] ?? 0), inUse: mb(malloc['uordblks'] ?? 0), free: mb(malloc['fordblks'] ?? 0) };
    if (process.env['VIGIL_FUZZ_MALLOC_TRIM'] === '1') {
      mallocDiag?.trim();
      line['rssAfterTrim'] = Math.round(process.memoryUsage().rss / 1_048_576);
    }
  }
  appendFileSync(MEMLOG, `${JSON.stringify(line)}\n`);
}

/** One thing a case got wrong: a 5xx, an unclear rejection, a dropped answer. */
export interface Problem {
  readonly kind: string;
  readonly detail: string;
  readonly input: string;
}

export interface FuzzSummary {
  readonly surface: string;
  readonly cases: number;
  readonly seed: number;
  readonly problems: readonly Problem[];
  /** Problems by kind (5xx, unclear, …) over all cases. */
  readonly counts: Readonly<Record<string, number>>;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Memory after GC: after the warm-up (done 0), every twentieth of the cases, and at the end. */
  readonly samples: readonly MemorySample[];
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  /** V8 heap in use after GC (what JavaScript objects retain), at start and end: tells a retained object from native growth. */
  readonly heapStartMb: number;
  readonly heapEndMb: number;
  /** At the end: V8 heap reserved (in use or not; RSS counts it) and memory outside the V8 heap held by JS objects (buffers). */
  readonly heapTotalEndMb: number;
  readonly externalEndMb: number;
  /** DuckDB's own memory (its block cache, capped by store.duckdb_memory_limit_mb) at start and end. */
  readonly duckStartMb: number;
  readonly duckEndMb: number;
  readonly seconds: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Memory levels of a run: medians of the samples in its first and last quarter (by cases done). */
export interface MemoryLevels {
  /** RSS minus DuckDB's capped block cache. */
  readonly ownStartMb: number;
  readonly ownEndMb: number;
  /** V8 heap in use plus external (Buffers): what live JavaScript objects hold. */
  readonly liveStartMb: number;
  readonly liveEndMb: number;
  readonly startSamples: number;
  readonly endSamples: number;
}

export function memoryLevels(s: FuzzSummary): MemoryLevels {
  const total = s.samples[s.samples.length - 1]?.done ?? 0;
  const first = s.samples.filter((m) => m.done <= total / 4);
  const last = s.samples.filter((m) => m.done >= (total * 3) / 4);
  const own = (m: MemorySample) => m.rssMb - m.duckMb;
  const live = (m: MemorySample) => m.liveMb;
  return { ownStartMb: median(first.map(own)), ownEndMb: median(last.map(own)), liveStartMb: median(first.map(live)), liveEndMb: median(last.map(live)), startSamples: first.length, endSamples: last.length };
}

/**
 * The suites' memory bound, or why it is broken. Two levels must stay within 10 % of their level
 * after the warm-up (or `floorMb` above it, whichever allows more; 40 MB unless given):
 * - RSS minus DuckDB's block cache (which fills up to store.duckdb_memory_limit_mb by design), and
 * - the V8 heap in use plus external memory, which is where a retained object (a cache or map that
 *   never shrinks, a per-request series) shows first and exactly.
 * A level is the median of the samples in the first or last quarter of the run, not one reading:
 * RSS after a forced GC still moves by 20-35 MB from one reading to the next, because glibc keeps
 * freed native memory (Buffers, parser and compiler zones) for reuse and V8 hands pages back
 * lazily. Measured on 2026-12-07 over 25,000 cases each (bench/RESULTS.md, reliability notes):
 * glibc's memory in use stayed at 11-14 MB while the free memory it kept swung between 17 and 62
 * MB; RSS after malloc_trim(0) stayed within 299-308 MB (rule SQL); with a fixed mmap threshold
 * (MALLOC_MMAP_THRESHOLD_) the routes run's RSS rose only with V8's committed heap (JIT code and
 * feedback of newly hot functions: +4.9 MB of the +5.2 MB the heap gained, by heap snapshot diff).
 */
export function memoryProblem(s: FuzzSummary, options: { floorMb?: number } = {}): string | undefined {
  const floor = options.floorMb ?? 40;
  const levels = memoryLevels(s);
  const limit = (start: number) => Math.max(start * 1.1, start + floor);
  const broken: string[] = [];
  if (levels.ownEndMb > limit(levels.ownStartMb)) broken.push(`RSS without DuckDB's cache rose from ${levels.ownStartMb.toFixed(0)} MB to ${levels.ownEndMb.toFixed(0)} MB (limit ${limit(levels.ownStartMb).toFixed(0)} MB)`);
  if (levels.liveEndMb > limit(levels.liveStartMb)) broken.push(`V8 heap in use + external rose from ${levels.liveStartMb.toFixed(0)} MB to ${levels.liveEndMb.toFixed(0)} MB (limit ${limit(levels.liveStartMb).toFixed(0)} MB)`);
  if (broken.length === 0) return undefined;
  return `${broken.join('; ')}; medians of ${levels.startSamples} samples in the first quarter and ${levels.endSamples} in the last; samples (cases: RSS/DuckDB/live MB): ${s.samples.map((m) => `${m.done}: ${m.rssMb.toFixed(0)}/${m.duckMb.toFixed(0)}/${m.liveMb.toFixed(0)}`).join(', ')}`;
}

/** What a case's check reports: an outcome label to tally (e.g. a status) and any problem. */
export interface CaseResult {
  readonly outcome: string;
  readonly problem?: { readonly kind: string; readonly detail: string };
}

/**
 * Runs `check` on `FUZZ.cases` values of `arbitrary` (seeded), in order. `warmup` runs first so
 * that the RSS baseline is taken with caches and pools already at their working size.
 */
export async function runFuzz<T>(surface: string, arbitrary: fc.Arbitrary<T>, check: (input: T) => Promise<CaseResult>, options: { cases?: number; warmup?: () => Promise<void>; show?: (input: T) => string; duckMb?: () => Promise<number> } = {}): Promise<FuzzSummary> {
  const cases = options.cases ?? FUZZ.cases;
  const duckMb = options.duckMb ?? (async () => 0);
  await options.warmup?.();
  const samples: MemorySample[] = [];
  const sample = async (at: number): Promise<MemorySample> => {
    const taken = await sampleMemory(at, duckMb);
    samples.push(taken);
    memlog(surface, taken);
    const snapshots = process.env['VIGIL_FUZZ_HEAPSNAP'];
    if (snapshots !== undefined && (at === 0 || at === cases)) writeHeapSnapshot(`${snapshots}/${surface}-${at}.heapsnapshot`);
    return taken;
  };
  const first = await sample(0);
  const heapStartMb = heapUsedMb();
  const sampleEvery = positiveInt(process.env['VIGIL_FUZZ_SAMPLE_EVERY'], Math.max(250, Math.ceil(cases / 20)));
  const started = Date.now();
  const problems: Problem[] = [];
  const counts: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const show = options.show ?? ((input: T) => JSON.stringify(input));
  const slowest: Array<{ ms: number; input: T }> = [];
  let done = 0;
  let reportedAt = started;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      let result: CaseResult;
      const caseStarted = performance.now();
      try {
        result = await check(input);
      } catch (error) {
        result = { outcome: 'threw', problem: { kind: 'client-error', detail: error instanceof Error ? error.message : String(error) } };
      }
      const ms = performance.now() - caseStarted;
      if (slowest.length < 3 || ms > (slowest[slowest.length - 1] as { ms: number }).ms) {
        slowest.push({ ms, input });
        slowest.sort((a, b) => b.ms - a.ms);
        slowest.length = Math.min(slowest.length, 3);
      }
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      done++;
      if (done % sampleEvery === 0 && done < cases) await sample(done);
      if (FUZZ.long && Date.now() - reportedAt >= 60_000) {
        reportedAt = Date.now();
        const memory = process.memoryUsage();
        process.stdout.write(`fuzz ${surface}: ${done}/${cases} cases after ${((reportedAt - started) / 1000).toFixed(0)} s; problems so far ${JSON.stringify(counts)}; RSS ${(memory.rss / 1_048_576).toFixed(0)} MB, heap ${(memory.heapUsed / 1_048_576).toFixed(0)} MB (no GC)\n`);
      }
      if (result.problem !== undefined) {
        counts[result.problem.kind] = (counts[result.problem.kind] ?? 0) + 1;
        if (problems.length < 20) problems.push({ ...result.problem, input: truncate(show(input), 400) });
      }
      return true;
    }),
    { numRuns: cases, seed: FUZZ.seed, endOnFailure: true, ...(FUZZ.minutes > 0 ? { interruptAfterTimeLimit: FUZZ.minutes * 60_000, markInterruptAsFailure: false } : {}) },
  );
  const seconds = (Date.now() - started) / 1000;
  const last = await sample(done);
  const heapEndMb = heapUsedMb();
  const { heapTotal, external } = process.memoryUsage();
  const summary: FuzzSummary = { surface, cases: done, seed: FUZZ.seed, problems, counts, outcomes, samples, rssStartMb: first.rssMb, rssEndMb: last.rssMb, heapStartMb, heapEndMb, heapTotalEndMb: heapTotal / 1_048_576, externalEndMb: external / 1_048_576, duckStartMb: first.duckMb, duckEndMb: last.duckMb, seconds };
  process.stdout.write(`${formatSummary(summary)}\n`);
  for (const { ms, input } of slowest) process.stdout.write(`fuzz ${surface}: slow case ${ms.toFixed(0)} ms: ${truncate(show(input), 300)}\n`);
  return summary;
}

export function formatSummary(s: FuzzSummary): string {
  const fivexx = s.counts['5xx'] ?? 0;
  const other = Object.entries(s.counts).filter(([k]) => k !== '5xx').map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  const levels = memoryLevels(s);
  return `fuzz ${s.surface}: ${s.cases} cases, seed ${s.seed}, ${s.seconds.toFixed(1)} s; ${fivexx} 5xx, other problems: ${other}; RSS ${s.rssStartMb.toFixed(0)} → ${s.rssEndMb.toFixed(0)} MB after GC (of which DuckDB cache ${s.duckStartMb.toFixed(0)} → ${s.duckEndMb.toFixed(0)} MB; V8 heap in use ${s.heapStartMb.toFixed(0)} → ${s.heapEndMb.toFixed(0)} MB, reserved at the end ${s.heapTotalEndMb.toFixed(0)} MB, external ${s.externalEndMb.toFixed(0)} MB); levels (medians of ${levels.startSamples} samples in the first quarter → ${levels.endSamples} in the last): RSS without DuckDB ${levels.ownStartMb.toFixed(0)} → ${levels.ownEndMb.toFixed(0)} MB, heap in use + external ${levels.liveStartMb.toFixed(0)} → ${levels.liveEndMb.toFixed(0)} MB; samples (cases: RSS/DuckDB/live MB) ${s.samples.map((m) => `${m.done}: ${m.rssMb.toFixed(0)}/${m.duckMb.toFixed(0)}/${m.liveMb.toFixed(0)}`).join(', ')}; outcomes ${JSON.stringify(s.outcomes)}`;
}

/** A readable failure: the first problems with their inputs. */
export function describeProblems(s: FuzzSummary): string {
  return s.problems.map((p) => `[${p.kind}] ${p.detail}\n    input: ${p.input}`).join('\n');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** Text values that break naive code: controls, NUL, surrogates, long runs, quotes, SQL and path bits. */
export function hostileString(maxLength = 200): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '../../etc/passwd', "'; DROP TABLE x; --", '${a}', '%s%n', '\uD800', '__proto__', 'constructor', 'null', 'NaN', '-0', '1e309') },
    { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)) },
  );
}

/** JSON text nested `depth` levels deep (arrays or objects). */
export function nestedJson(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array' ? '['.repeat(depth) + leaf + ']'.repeat(depth) : '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

/**
 * Any JSON value, including deep ones (around and past the usual limits of 64-512) and hostile
 * strings. Parsed values stay at most 1,000 deep so that tests can still serialize them; deeper
 * inputs are written as text (`nestedJson`).
 */
export function hostileJson(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => JSON.parse(nestedJson(d, k)) as unknown) },
    { weight: 1, arbitrary: hostileString() },
    { weight: 1, arbitrary: fc.dictionary(hostileString(20), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }) },
  );
}

/** Memory DuckDB holds now (all tags of duckdb_memory()), in MB. */
export async function duckdbMemoryMb(events: EventsDb): Promise<number> {
  return (await duckdbMemoryBytes(events.connection)) / 1_048_576;
}
