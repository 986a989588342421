import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { demoCorpus } from '../spl/corpus.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { searchInput, seedQueries } from './spl-cases.js';

export interface FuzzTarget {
  readonly vigil: TestVigil;
  readonly api: string;
  stop(): Promise<void>;
}

/** A real Vigil holding the SPL demo corpus and the test lookups, searched over its HTTP API. */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const vigil = await startTestVigil({ log: { level: 'error' }, siem: { search: { max_secs: 10 } } });
  await vigil.running.siem.store.append(demoCorpus());
  const dir = join(import.meta.dirname, '..', 'spl', 'lookups');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) await vigil.running.siem.lookups.upload(file, readFileSync(join(dir, file), 'utf8'));
  return { vigil, api: vigil.running.endpoints['api'] as string, stop: () => vigil.stop() };
}

export interface FuzzReport {
  readonly cases: number;
  /** Replies by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Every 5xx reply: the input and what came back (the property is that this stays empty). */
  readonly failures: ReadonlyArray<{ readonly query: string; readonly surface: string; readonly status: number; readonly body: string }>;
  readonly seconds: number;
}

const RANGES: ReadonlyArray<{ earliest?: string; latest?: string }> = [{}, { earliest: '0' }, { earliest: '-1h' }, { earliest: '-1d@d', latest: 'now' }, { earliest: 'not-a-time' }];

/**
 * Sends `cases` generated searches (seeded, so a run can be repeated) through the native search API
 * and, one in five, Splunk's export endpoint; `concurrency` at a time.
 */
export async function runSplFuzz(target: FuzzTarget, options: { cases: number; seed: number; concurrency?: number; progress?: (done: number, statuses: Readonly<Record<string, number>>, fiveHundreds: number) => void }): Promise<FuzzReport> {
  const started = performance.now();
  const seeds = seedQueries();
  const inputs = fc.sample(fc.tuple(searchInput(seeds), fc.nat(RANGES.length - 1), fc.nat(4)), { numRuns: options.cases, seed: options.seed });
  const statuses: Record<string, number> = {};
  const failures: Array<{ query: string; surface: string; status: number; body: string }> = [];
  let next = 0;
  let done = 0;
  const auth = { authorization: `Bearer ${target.vigil.adminToken}` };
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= inputs.length) return;
      const [query, rangeIndex, surfacePick] = inputs[i] as [string, number, number];
      const range = RANGES[rangeIndex] ?? {};
      let response: Response;
      let surface: string;
      if (surfacePick === 0) {
        surface = 'splunk-export';
        const form = new URLSearchParams({ search: query, output_mode: 'json', ...(range.earliest === undefined ? {} : { earliest_time: range.earliest }), ...(range.latest === undefined ? {} : { latest_time: range.latest }) });
        response = await fetch(`${target.api}/services/search/jobs/export`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      } else {
        surface = 'api-v1-search';
        response = await fetch(`${target.api}/api/v1/search`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query, ...range, maxRows: 200 }) });
      }
      const body = await response.text();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status >= 500) failures.push({ query, surface, status: response.status, body: body.slice(0, 500) });
      done++;
      if (done % 1000 === 0) options.progress?.(done, statuses, failures.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, () => worker()));
  return { cases: inputs.length, statuses, failures, seconds: (performance.now() - started) / 1000 };
}
