/**
 * `npm run soak -- [--minutes N] [--rate R] [--devices D] [--warmup-minutes W]`: runs the reference
 * pipeline under load for N minutes and checks that it holds. A real `vigil up` (its own process,
 * temp data directory) gets the reference resources (`vigil apply`); `vigil simulate` (another
 * process) runs D devices over MQTT/TLS reporting R reports/s in total; reports flow through the
 * broker, Detect's metrics export, the topic rule, the `siem` stream and its transform, and Vigil's
 * own HEC into the event store. Every 15 s the server's RSS is sampled.
 *
 * One RSS sample swings ±15 % with the garbage collector's cycle under this load, so "flat" compares
 * levels, not samples: the median of the first window after warm-up against the median of the last
 * window (each a fifth of the measured time, at most 10 min). Warm-up defaults to min(10, N/4) min.
 *
 * Besides the total, it follows RSS outside DuckDB's block cache (`vigil_store_duckdb_memory_bytes`,
 * sampled by the server): the cache fills with ingested events up to its cap
 * (`store.duckdb_memory_limit_mb`), so growth there is bounded by design, while growth outside it
 * would be a leak. The V8 heap in use is printed too.
 *
 * At the end it prints one line of figures and exits non-zero when:
 * - total RSS at the end of the run (median of the last window) is more than 10 % from its level
 *   right after warm-up (median of the first window), either way; or RSS outside DuckDB grew by more
 *   than 10 %; or DuckDB's memory passed its cap (5 % slack for the sampling), or
 * - a report the broker accepted is missing from the SIEM (each accepted report is exported as
 *   one `aws:num-listening-tcp-ports` event: the count of those events must equal accepted reports).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median } from '../bench/types.js';
import { validateVigilConfig } from '../src/app/index.js';
import { tempDir } from '../test/support/temp.js';
import { VigilProcess, until } from '../test/support/vigil-process.js';

const run = promisify(execFile);
/** The soak runs the default config: DuckDB's memory cap is the default's. */
const DUCKDB_CAP_MB = validateVigilConfig({}).config.store.duckdb_memory_limit_mb;
const root = join(new URL('.', import.meta.url).pathname, '..');
const cli = join(root, 'bin/vigil.mjs');

interface Options {
  readonly minutes: number;
  readonly rate: number;
  readonly devices: number;
  readonly warmupMinutes: number;
}

function parseArgs(args: readonly string[]): Options {
  const values: Record<string, number> = { minutes: 60, rate: 1000, devices: 200 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const match = /^--(minutes|rate|devices|warmup-minutes)$/.exec(arg);
    const value = Number(args[i + 1]);
    if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run soak -- [--minutes 60] [--rate 1000] [--devices 200] [--warmup-minutes min(10, minutes/4)]\n');
      process.exit(0);
    }
    if (match === null || !(value > 0)) {
      process.stderr.write(`bad argument ${arg} ${args[i + 1] ?? ''}: options take positive numbers\n`);
      process.exit(2);
    }
    values[match[1] as string] = value;
    i++;
  }
  const minutes = values['minutes'] as number;
  return { minutes, rate: values['rate'] as number, devices: Math.round(values['devices'] as number), warmupMinutes: values['warmup-minutes'] ?? Math.min(10, minutes / 4) };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/** Where reports can leave the pipeline besides the SIEM: the server's counters, from /metrics. */
const ACCOUNTING = ['vigil_detect_export_published_total', 'vigil_rule_message_dropped_total', 'vigil_stream_put_refused_total', 'vigil_stream_delivery_failed_total', 'vigil_stream_records_backed_up_total', 'vigil_stream_transform_failed_total', 'vigil_limit_hit_total', 'vigil_component_error_total'];

async function accounting(vigil: VigilProcess): Promise<string> {
  const response = await fetch(`${vigil.api}/metrics`, { headers: { authorization: `Bearer ${vigil.adminToken}` } }).catch(() => undefined);
  if (response === undefined || !response.ok) return `/metrics unavailable (${response?.status ?? 'no answer'})`;
  const lines = (await response.text()).split('\n').filter((line) => ACCOUNTING.some((name) => line.startsWith(name)));
  return lines.length === 0 ? 'no export errors, drops, refusals, backups or limit hits counted' : lines.join('; ');
}

/** The server's own memory figures from /metrics, in MB (NaN when not answered). */
async function gauges(vigil: VigilProcess): Promise<{ duckdb: number; heap: number }> {
  const text = await fetch(`${vigil.api}/metrics`, { headers: { authorization: `Bearer ${vigil.adminToken}` } })
    .then((r) => r.text())
    .catch(() => '');
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1_048_576;
  return { duckdb: value('vigil_store_duckdb_memory_bytes'), heap: value('nodejs_heap_size_used_bytes') };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  // Each device reports every 300/speed real seconds: D devices at R reports/s in total.
  const speed = (300 * options.rate) / options.devices;
  const dir = tempDir('vigil-soak-');
  const vigil = new VigilProcess(dir.path, { mqtt: { reports: { min_report_interval_secs: 0 } }, detect: { export_interval_secs: 10 } });
  const log = (text: string): void => void process.stdout.write(`soak: ${text}\n`);
  try {
    await vigil.start();
    const pid = vigil.child?.pid as number;
    const config = ['-c', vigil.configPath];
    await run(process.execPath, [cli, 'apply', '-f', join(root, 'examples/reference-pipeline/resources.yaml'), '--skip-unavailable', ...config], { cwd: root });
    log(`${options.devices} devices at ${options.rate} reports/s (speed ${speed.toFixed(0)}x) for ${options.minutes} min, warm-up ${options.warmupMinutes} min; server pid ${pid}`);

    const started = Date.now();
    const samples: Array<{ minute: number; rss: number; duck: number; heap: number }> = [];
    const sampler = setInterval(() => {
      const minute = (Date.now() - started) / 60_000;
      const rss = rssMb(pid);
      void gauges(vigil).then((g) => {
        const sample = { minute, rss, duck: g.duckdb, heap: g.heap };
        samples.push(sample);
        log(`t+${minute.toFixed(1)} min RSS ${rss.toFixed(0)} MB (DuckDB ${g.duckdb.toFixed(0)}, V8 heap in use ${g.heap.toFixed(0)})`);
      });
    }, 15_000);
    const simulated = await run(process.execPath, [cli, 'simulate', '--devices', String(options.devices), '--scenario', 'baseline', '--thing-group', 'DeviceDefenderFleet', '--speed', String(speed), '--duration', String(Math.round(options.minutes * 60)), ...config], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    clearInterval(sampler);
    const last = simulated.stdout.trim().split('\n').pop() ?? '';
    const stat = (name: string): number => Number(new RegExp(`${name} (\\d+)`).exec(last)?.[1] ?? NaN);
    const published = stat('published');
    const accepted = stat('accepted');
    const rejected = stat('rejected');
    log(`simulator: ${last}`);

    // Drain: the export interval (10 s), the stream's buffer (5 s) and HEC acks; wait until the count stops moving.
    const count = async (): Promise<number> => {
      const out = await run(process.execPath, [cli, 'search', 'index=aws_hfb name="aws:num-listening-tcp-ports" | stats count', '--earliest', '0', '-o', 'json', ...config], { cwd: root });
      const rows = JSON.parse(out.stdout) as Array<{ count?: string | number }>;
      return Number(rows[0]?.count ?? 0);
    };
    let indexed = -1;
    let stableSince = Date.now();
    await until(
      async () => {
        const now = await count().catch((error: unknown) => {
          log(`count search failed (retrying): ${error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error)}`);
          return indexed;
        });
        if (now !== indexed) (indexed = now), (stableSince = Date.now());
        return indexed >= accepted || Date.now() - stableSince > 60_000;
      },
      'the pipeline to drain',
      600_000,
      5_000,
    ).catch(() => undefined);
    // Samples under load only: after the simulator stops the server sheds work and memory.
    const rssNow = rssMb(pid);

    const after = samples.filter((s) => s.minute >= options.warmupMinutes && s.minute <= options.minutes);
    const windowMinutes = Math.min(10, (options.minutes - options.warmupMinutes) / 5);
    type Sample = (typeof samples)[number];
    // A window shorter than the 15 s sampling period holds no sample: the nearest one stands in.
    const level = (from: number, to: number, nearest: Sample | undefined, of: (s: Sample) => number): number => {
      const inside = after.filter((s) => s.minute >= from && s.minute <= to).map(of);
      return inside.length > 0 ? median(inside) : nearest === undefined ? NaN : of(nearest);
    };
    const levels = (of: (s: Sample) => number): { base: number; end: number; drift: number } => {
      const base = level(options.warmupMinutes, options.warmupMinutes + windowMinutes, after[0], of);
      const end = level(options.minutes - windowMinutes, options.minutes, after[after.length - 1], of);
      return { base, end, drift: Math.abs(end - base) / base };
    };
    const total = levels((s) => s.rss);
    const outside = levels((s) => s.rss - s.duck);
    const heap = levels((s) => s.heap);
    const duckMax = Math.max(...samples.map((s) => s.duck));
    const duckCap = DUCKDB_CAP_MB;
    const max = Math.max(...after.map((s) => s.rss));
    const min = Math.min(...after.map((s) => s.rss));
    const outsideGrowth = (outside.end - outside.base) / outside.base;
    const rateSeen = accepted / (options.minutes * 60);
    log(
      `${options.minutes} min, ${options.devices} devices: published ${published}, accepted ${accepted} (${rateSeen.toFixed(0)}/s), rejected ${rejected}; ` +
        `indexed ${indexed} → ${Math.max(0, accepted - indexed)} lost; medians of the first ${windowMinutes.toFixed(1)} min after warm-up → the last: total RSS ${total.base.toFixed(0)} → ${total.end.toFixed(0)} MB (drift ${(100 * total.drift).toFixed(1)} %), ` +
        `RSS outside DuckDB ${outside.base.toFixed(0)} → ${outside.end.toFixed(0)} MB (${(100 * outsideGrowth).toFixed(1)} %), V8 heap in use ${heap.base.toFixed(0)} → ${heap.end.toFixed(0)} MB; DuckDB at most ${duckMax.toFixed(0)} MB (cap ${duckCap} MB); RSS samples after warm-up ${min.toFixed(0)}–${max.toFixed(0)} MB; after the run ${rssNow.toFixed(0)} MB`,
    );
    log(`accounting: ${await accounting(vigil)}`);
    const failures: string[] = [];
    if (!(accepted > 0)) failures.push('no report was accepted');
    if (indexed < accepted) failures.push(`${accepted - indexed} accepted reports missing from the SIEM`);
    if (!(total.drift <= 0.1)) failures.push(`RSS level moved ${(100 * total.drift).toFixed(1)} % between the first and last windows after warm-up (limit 10 %)`);
    if (!(outsideGrowth <= 0.1)) failures.push(`RSS outside DuckDB grew ${(100 * outsideGrowth).toFixed(1)} % between the first and last windows after warm-up (limit 10 %)`);
    if (!(duckMax <= duckCap * 1.05)) failures.push(`DuckDB held ${duckMax.toFixed(0)} MB, past its cap of ${duckCap} MB`);
    if (!vigil.alive) failures.push('the server exited');
    if (failures.length > 0) {
      log(`FAILED: ${failures.join('; ')}`);
      process.exitCode = 1;
    } else log('ok');
  } finally {
    await vigil.stop().catch(() => vigil.kill());
    // A failed run keeps its data directory (the stream's backup, the event store) for a look.
    if (process.exitCode === 1) log(`data directory kept: ${dir.path}`);
    else dir.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
