import { setFlagsFromString } from 'node:v8';
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

/** Resident set size in MB after full garbage collections. */
export async function rssAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().rss / 1_048_576;
}

/** V8 heap in use in MB (call after `rssAfterGc`). */
export function heapUsedMb(): number {
  return process.memoryUsage().heapUsed / 1_048_576;
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

/** RSS minus DuckDB's capped block cache: what must not grow over a run. */
export function ownMemory(s: FuzzSummary, at: 'start' | 'end'): number {
  return at === 'start' ? s.rssStartMb - s.duckStartMb : s.rssEndMb - s.duckEndMb;
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
  const rssStartMb = await rssAfterGc();
  const heapStartMb = heapUsedMb();
  const duckStartMb = await duckMb();
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
  const rssEndMb = await rssAfterGc();
  const heapEndMb = heapUsedMb();
  const { heapTotal, external } = process.memoryUsage();
  const duckEndMb = await duckMb();
  const summary: FuzzSummary = { surface, cases: done, seed: FUZZ.seed, problems, counts, outcomes, rssStartMb, rssEndMb, heapStartMb, heapEndMb, heapTotalEndMb: heapTotal / 1_048_576, externalEndMb: external / 1_048_576, duckStartMb, duckEndMb, seconds };
  process.stdout.write(`${formatSummary(summary)}\n`);
  for (const { ms, input } of slowest) process.stdout.write(`fuzz ${surface}: slow case ${ms.toFixed(0)} ms: ${truncate(show(input), 300)}\n`);
  return summary;
}

export function formatSummary(s: FuzzSummary): string {
  const fivexx = s.counts['5xx'] ?? 0;
  const other = Object.entries(s.counts).filter(([k]) => k !== '5xx').map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  return `fuzz ${s.surface}: ${s.cases} cases, seed ${s.seed}, ${s.seconds.toFixed(1)} s; ${fivexx} 5xx, other problems: ${other}; RSS ${s.rssStartMb.toFixed(0)} → ${s.rssEndMb.toFixed(0)} MB after GC (of which DuckDB cache ${s.duckStartMb.toFixed(0)} → ${s.duckEndMb.toFixed(0)} MB; V8 heap in use ${s.heapStartMb.toFixed(0)} → ${s.heapEndMb.toFixed(0)} MB, reserved at the end ${s.heapTotalEndMb.toFixed(0)} MB, external ${s.externalEndMb.toFixed(0)} MB); outcomes ${JSON.stringify(s.outcomes)}`;
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
