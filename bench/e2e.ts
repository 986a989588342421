/**
 * `npm run bench -- e2e [--devices 2000,10000] [--rates 500,1000,2000,4000] [--windows 3]
 *   [--window-secs 10] [--vigil DIR[,DIR…]] [--sim-procs N] [--cpu-prof DIR]`: the whole path, end to end.
 *
 * Vigil runs as `vigil up --demo --devices 1` (the reference pipeline: security profile, export rule,
 * `siem` stream, embedded SIEM) in a process of its own; the fleet runs as `vigil simulate` in other
 * processes (one real mTLS client per device), so their CPU is measured apart. For each device count
 * and report rate the simulators are restarted at the speed that gives that rate (a device reports
 * every `devices / rate` seconds), and after a warm-up the benchmark measures `--windows` windows:
 * accepted and rejected reports/s (by reason), Vigil's CPU per accepted report, its RSS per connected
 * device, report-to-indexed latency (an event's `_indextime - _time` in the SIEM), the newest event's
 * age when searched, and the stream outbox over the window.
 *
 * `--vigil DIR,DIR` runs every level against each checkout in turn (each must be built: `npm run
 * build`), so figures of two versions come from one run. Certificates are issued once per checkout
 * and reused at every level.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportSearch } from '../test/support/splunk-export.js';
import { fmt, median, type BenchContext, type BenchReport } from './types.js';

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const INDEX = 'aws_hfb';
const REPORT_INTERVAL_SECS = 300;
const DEVICES_PER_SIM_PROCESS = 2500;
/** The quickest level's devices report at this multiple of the broker's minimum interval (issue 24: 0 rejections at 1.1 ×). */
const MIN_INTERVAL_MARGIN = 1.1;
const CONNECT_STALL_MS = 60_000;

interface Options {
  readonly devices: number[];
  readonly rates: number[];
  readonly windows: number;
  readonly windowSecs: number;
  readonly checkouts: string[];
  readonly simProcs: number | undefined;
  /** Directory for V8 CPU profiles of each Vigil server (`node --cpu-prof`), written when it stops. */
  readonly cpuProf: string | undefined;
}

function parseOptions(args: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? undefined : args[i + 1];
  };
  const numbers = (name: string, fallback: string): number[] => {
    const list = (value(name) ?? fallback).split(',').map(Number);
    if (list.some((n) => !(n > 0))) throw new Error(`--${name} takes positive numbers separated by commas, got "${value(name)}"`);
    return list;
  };
  const procs = value('sim-procs');
  return {
    devices: numbers('devices', '2000,10000'),
    rates: numbers('rates', '500,1000,2000,4000'),
    windows: numbers('windows', '3')[0] as number,
    windowSecs: numbers('window-secs', '10')[0] as number,
    checkouts: (value('vigil') ?? here).split(',').map((d) => resolve(d)),
    simProcs: procs === undefined ? undefined : Number(procs),
    cpuProf: value('cpu-prof') === undefined ? undefined : resolve(value('cpu-prof') as string),
  };
}

/** CPU seconds (user + system) and RSS bytes of a process and its descendants, from /proc. */
export function usage(rootPid: number): { cpuSecs: number; rssBytes: number } {
  const ticks = 100;
  const parents = new Map<number, number>();
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      stats.set(Number(entry), fields);
    } catch {
      // The process ended while the table was read.
    }
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) if (tree.has(parent) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  let cpuSecs = 0;
  let rssBytes = 0;
  for (const pid of tree) {
    const fields = stats.get(pid);
    if (fields === undefined) continue;
    // Fields after the command: 14 utime and 15 stime are the 12th and 13th here; 24 rss (pages) the 22nd.
    cpuSecs += (Number(fields[11]) + Number(fields[12])) / ticks;
    rssBytes += Number(fields[21]) * 4096;
  }
  return { cpuSecs, rssBytes };
}

interface Server {
  readonly process: ChildProcess;
  readonly api: string;
  readonly token: string;
  readonly config: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** The last output of each process started, for the reason a server failed. */
const tails = new WeakMap<ChildProcess, string>();

/** The first error line (`SomethingError: …`) in a process's last output. */
function failure(child: ChildProcess): string {
  return /^\w*Error: .*$/m.exec(tails.get(child) ?? '')?.[0] ?? 'no error printed';
}

export function vigil(checkout: string, args: readonly string[], options: { quiet?: boolean; nodeArgs?: readonly string[] } = {}): ChildProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(checkout, 'bin', 'vigil.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-4000);
    tails.set(child, tail);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null && options.quiet !== true) process.stderr.write(`[e2e] vigil ${args[0]} exited ${code}:\n${tail}\n`);
  });
  return child;
}

/** SIGTERM, then SIGKILL after 30 s; resolves once the process is gone (at once if it never started or already exited). */
export function stopped(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => (clearTimeout(kill), resolve()));
    child.kill('SIGTERM');
  });
}

export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether a checkout's config schemas (every `config.ts` under src) have a key (checkouts from before a key was added reject it). */
function knows(checkout: string, key: string): boolean {
  const src = join(checkout, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' }).some((f) => /(^|\/)config\.ts$/.test(f) && readFileSync(join(src, f), 'utf8').includes(key));
}

/** Whether a checkout's CLI (`src/cli`) has an option. */
function knowsOption(checkout: string, option: string): boolean {
  const cli = join(checkout, 'src', 'cli');
  return readdirSync(cli, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.ts') && readFileSync(join(cli, f), 'utf8').includes(`'${option}`));
}

/** Whether `bin/vigil.mjs` of a checkout can run: built, or one that runs its sources through tsx. */
function runnable(checkout: string): boolean {
  const bin = join(checkout, 'bin', 'vigil.mjs');
  return existsSync(join(checkout, 'dist', 'vigil.js')) || (existsSync(bin) && readFileSync(bin, 'utf8').includes("from 'tsx/esm/api'"));
}

/**
 * Starts `vigil up --demo --devices 1` so that the quickest level's devices report at 1.1 × the
 * broker's minimum interval (the demo sets the minimum to half the interval of its `--speed`).
 */
async function startServer(checkout: string, dataDir: string, maxSpeed: number, cpuProf: string | undefined): Promise<Server> {
  const config = join(dataDir, 'vigil.yaml');
  writeFileSync(
    config,
    [
      `data_dir: ${JSON.stringify(dataDir)}`,
      'log: { level: warn }',
      'api: { listen: "127.0.0.1:0" }',
      'hec: { listen: "127.0.0.1:0" }',
      // One source address carries the whole fleet: exempt loopback from the per-address connect rate
      // (a checkout from before the exemptions has only a connect rate per address: raise it).
      knows(checkout, 'limit_exempt_cidrs')
        ? 'mqtt: { listen: "127.0.0.1:0", limit_exempt_cidrs: ["127.0.0.0/8"], max_pending_per_ip: 100000 }'
        : 'mqtt: { listen: "127.0.0.1:0", max_connects_per_ip: 1000000 }',
      '',
    ].join('\n'),
  );
  const endpoints = join(dataDir, 'run', 'endpoints.json');
  rmSync(endpoints, { force: true });
  const child = vigil(checkout, ['up', '-c', config, '--demo', '--devices', '1', '--speed', String((maxSpeed * MIN_INTERVAL_MARGIN) / 2), ...(knowsOption(checkout, '--log-format') ? ['--log-format', 'json'] : [])], {
    nodeArgs: cpuProf === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProf],
  });
  const api = await until('the API endpoint', 300_000, () => {
    if (child.exitCode !== null) throw new Error(`vigil up exited ${child.exitCode}`);
    if (!existsSync(endpoints)) return undefined;
    const parsed = JSON.parse(readFileSync(endpoints, 'utf8')) as Record<string, string>;
    return parsed['api'];
  });
  const token = readFileSync(join(dataDir, 'secrets', 'admin-token'), 'utf8').trim();
  const server: Server = { process: child, api, token, config, dataDir, stop: () => stopped(child) };
  // The demo applied its pipeline once the fleet's thing group exists.
  await until('the reference pipeline', 300_000, async () => connected(await metrics(server)) >= 1 || undefined);
  return server;
}

/** Prometheus text of `/metrics` as `name{labels}` → value. */
export async function metrics(server: Pick<Server, 'api' | 'token'>): Promise<Map<string, number>> {
  const response = await fetch(new URL('/metrics', server.api), { headers: { authorization: `Bearer ${server.token}` } });
  const text = await response.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** Connected MQTT clients: the gauge, or connects minus disconnects where a checkout has no gauge. */
function connected(values: Map<string, number>): number {
  return values.get('vigil_mqtt_connected_clients') ?? sumMatching(values, 'vigil_mqtt_client_connected_total') - sumMatching(values, 'vigil_mqtt_client_disconnected_total');
}

export function sumMatching(values: Map<string, number>, prefix: string, label?: string): number {
  let sum = 0;
  for (const [key, value] of values) if (key.startsWith(prefix) && (label === undefined || key.includes(label))) sum += value;
  return sum;
}

function rejectedByReason(values: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of values) {
    if (!key.startsWith('vigil_defender_report_answered_total') || !key.includes('status="rejected"')) continue;
    const reason = /reason="([^"]*)"/.exec(key)?.[1] ?? '?';
    out.set(reason, (out.get(reason) ?? 0) + value);
  }
  return out;
}

function search(server: Server, query: string): Promise<Array<Record<string, unknown>>> {
  return exportSearch(server.api, server.token, query);
}

interface Fleet {
  readonly processes: ChildProcess[];
  stop(): Promise<void>;
}

/**
 * Starts the simulator processes one after another, each once the devices of the ones before it
 * are connected (or stopped growing): a whole fleet's mTLS handshakes at once on a loaded machine
 * time out and retry without end. Resolves with how many connected.
 */
async function startFleet(checkout: string, server: Server, devices: number, speed: number, procs: number, certsRoot: string, fleet: Fleet): Promise<{ all: boolean; count: number }> {
  const processes = fleet.processes;
  const per = Math.ceil(devices / procs);
  let connect = { all: true, count: 1 };
  for (let p = 0, left = devices, started = 0; left > 0; p++, left -= per) {
    const count = Math.min(per, left);
    started += count;
    processes.push(
      vigil(checkout, [
        'simulate', '-c', server.config, '--server', server.api, '--token', server.token,
        '--devices', String(count), '--speed', String(speed), '--prefix', `e2e${p}`, '--seed', String(100 + p),
        '--certs', join(certsRoot, `p${p}`), '--policy', 'DeviceDefenderAgentPolicy', '--thing-group', 'DeviceDefenderFleet',
      ], { quiet: true }),
    );
    // The demo's own device is connected too.
    connect = await connectedFleet(server, started + 1);
  }
  return connect;
}

function newFleet(): Fleet {
  const processes: ChildProcess[] = [];
  return { processes, stop: async () => void (await Promise.all(processes.map(stopped))) };
}

/**
 * Waits until `want` clients are connected; on a loaded machine some devices can keep timing out
 * their handshakes, so once the count has not grown for CONNECT_STALL_MS the level goes on with
 * the devices connected (the row says so).
 */
async function connectedFleet(server: Server, want: number): Promise<{ all: boolean; count: number }> {
  let best = 0;
  let grewAt = Date.now();
  for (;;) {
    const count = connected(await metrics(server));
    if (count >= want) return { all: true, count };
    if (count > best) (best = count), (grewAt = Date.now());
    if (Date.now() - grewAt > CONNECT_STALL_MS) return { all: false, count };
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Window {
  accepted: number;
  rejected: Map<string, number>;
  vigilCpuSecs: number;
  simCpuSecs: number;
  rssBytes: number;
  lagP50: number;
  lagP99: number;
  newestAge: number;
  outboxStart: number;
  outboxEnd: number;
  seconds: number;
  /** The machine's 1-minute load average at the window's end (the machine is shared). */
  load: number;
}

async function measureWindow(server: Server, fleet: Fleet, seconds: number): Promise<Window> {
  const simCpu = (): number => fleet.processes.reduce((sum, p) => sum + (p.pid === undefined ? 0 : usage(p.pid).cpuSecs), 0);
  const m0 = await metrics(server);
  const u0 = usage(server.process.pid as number);
  const s0 = simCpu();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const m1 = await metrics(server);
  const u1 = usage(server.process.pid as number);
  const s1 = simCpu();
  const elapsed = (Date.now() - t0) / 1000;
  const rejected0 = rejectedByReason(m0);
  const rejected = new Map([...rejectedByReason(m1)].map(([reason, n]) => [reason, n - (rejected0.get(reason) ?? 0)]));
  // The events stored during the window, whatever their own time.
  const stored = `_indextime>=${t0 / 1000} AND _indextime<${(t0 + elapsed * 1000) / 1000}`;
  const [lag] = await search(server, `index=${INDEX} earliest=-15m | where ${stored} | eval lag=_indextime-_time | stats perc50(lag) AS p50 perc99(lag) AS p99 count`);
  const [newest] = await search(server, `index=${INDEX} earliest=-5m | stats max(_time) AS newest`);
  return {
    accepted: sumMatching(m1, 'vigil_defender_report_answered_total', 'status="accepted"') - sumMatching(m0, 'vigil_defender_report_answered_total', 'status="accepted"'),
    rejected,
    vigilCpuSecs: u1.cpuSecs - u0.cpuSecs,
    simCpuSecs: s1 - s0,
    rssBytes: u1.rssBytes,
    lagP50: Number(lag?.['p50'] ?? Number.NaN),
    lagP99: Number(lag?.['p99'] ?? Number.NaN),
    newestAge: Date.now() / 1000 - Number(newest?.['newest'] ?? Number.NaN),
    outboxStart: m0.get('vigil_stream_outbox_bytes') ?? 0,
    outboxEnd: m1.get('vigil_stream_outbox_bytes') ?? 0,
    seconds: elapsed,
    load: loadavg()[0] as number,
  };
}

export default async function e2e(context: BenchContext): Promise<BenchReport> {
  const options = parseOptions(context.args);
  const rows: Array<Array<string | number>> = [];
  const maxSpeed = Math.max(...options.devices.flatMap((d) => options.rates.map((r) => (REPORT_INTERVAL_SECS * r) / d)));
  for (const checkout of options.checkouts) {
    if (!runnable(checkout)) throw new Error(`${checkout} is not built: run \`npm run build\` there`);
    const label = checkout === here ? 'this checkout' : checkout;
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
    const certsRoot = join(dataDir, 'fleet-certs');
    mkdirSync(certsRoot, { recursive: true });
    context.progress(`${label}: starting vigil up --demo (data ${dataDir})`);
    let server = await startServer(checkout, dataDir, maxSpeed, options.cpuProf);
    try {
      for (const devices of options.devices) {
        for (const rate of options.rates) {
          const speed = (REPORT_INTERVAL_SECS * rate) / devices;
          const procs = options.simProcs ?? Math.max(1, Math.ceil(devices / DEVICES_PER_SIM_PROCESS));
          const idle = usage(server.process.pid as number).rssBytes;
          context.progress(`${label}: ${devices} devices at ${rate} reports/s (a report every ${fmt(devices / rate)} s, ${procs} simulator processes)`);
          const fleet = newFleet();
          const exited = new Promise<string>((resolve) => server.process.once('exit', (code, signal) => resolve(`vigil up exited (${signal ?? code}): ${failure(server.process)}`)));
          try {
            const started = Date.now();
            const connect = await startFleet(checkout, server, devices, speed, procs, certsRoot, fleet);
            const connectSecs = (Date.now() - started) / 1000;
            // Warm-up: every device has reported at least twice.
            await new Promise((r) => setTimeout(r, Math.max(5, (2 * devices) / rate) * 1000));
            const windows: Window[] = [];
            for (let w = 0; w < options.windows; w++) windows.push(await measureWindow(server, fleet, options.windowSecs));
            const med = (f: (w: Window) => number): number => median(windows.map(f));
            const reasons = new Set(windows.flatMap((w) => [...w.rejected.keys()]));
            const rejected = [...reasons].map((reason) => `${reason} ${fmt(med((w) => (w.rejected.get(reason) ?? 0) / w.seconds))}`).join(', ');
            rows.push([
              label,
              devices,
              rate,
              connect.all ? fmt(connectSecs) : `not all: ${connect.count - 1} after ${fmt(connectSecs)}`,
              fmt(med((w) => w.accepted / w.seconds)),
              rejected === '' ? '0' : rejected,
              fmt(med((w) => (w.vigilCpuSecs * 1e6) / Math.max(1, w.accepted))),
              fmt(med((w) => (w.vigilCpuSecs * 1e6) / Math.max(1, w.accepted + [...w.rejected.values()].reduce((a, b) => a + b, 0)))),
              med((w) => w.vigilCpuSecs / w.seconds).toFixed(2),
              med((w) => w.simCpuSecs / w.seconds).toFixed(2),
              fmt(med((w) => w.rssBytes) / 2 ** 20),
              fmt(med((w) => (w.rssBytes - idle) / devices) / 1024),
              `${med((w) => w.lagP50).toFixed(1)} / ${med((w) => w.lagP99).toFixed(1)}`,
              med((w) => w.newestAge).toFixed(1),
              `${fmt((windows[0]?.outboxStart ?? 0) / 2 ** 20)} → ${fmt((windows.at(-1)?.outboxEnd ?? 0) / 2 ** 20)}`,
              med((w) => w.load).toFixed(1),
            ]);
            context.progress(`${label}: ${rows.at(-1)?.join(' | ')}`);
          } catch (error) {
            // A server that failed under a level is a result of that level; the next one gets a new
            // process on the same data directory (its registry still knows the fleet's certificates).
            const why = server.process.exitCode !== null || server.process.signalCode !== null ? await exited : error instanceof Error ? error.message : String(error);
            rows.push([label, devices, rate, `failed: ${why}`, ...new Array<string>(12).fill('')]);
            context.progress(`${label}: ${devices} devices at ${rate} reports/s failed: ${why}`);
            await fleet.stop();
            await server.stop();
            server = await startServer(checkout, dataDir, maxSpeed, options.cpuProf);
            continue;
          } finally {
            await fleet.stop();
          }
          // Let the pipeline drain before the next level.
          await until('the stream outbox to drain', 120_000, async () => ((await metrics(server)).get('vigil_stream_outbox_bytes') ?? 0) < 1_000_000 || undefined).catch(() => undefined);
        }
      }
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return {
    columns: ['vigil', 'devices', 'target reports/s', 'connect all (s)', 'accepted/s', 'rejected/s by reason', 'Vigil CPU µs/report', 'Vigil CPU µs/answer (accepted + rejected)', 'Vigil cores', 'simulator cores', 'Vigil RSS MiB', 'RSS KiB/device (over idle)', 'indexed lag p50 / p99 (s)', 'newest event age (s)', 'outbox MiB start → end', 'load avg 1 min'],
    rows,
    notes: [
      `Vigil: \`vigil up --demo --devices 1\` in its own process; the fleet: \`vigil simulate\` in ${options.simProcs === undefined ? `${DEVICES_PER_SIM_PROCESS.toLocaleString('en')} devices per process` : `${options.simProcs} processes`} started one after another (one mTLS client per device). Medians of ${options.windows} windows of ${options.windowSecs} s after every device reported twice.`,
      'CPU per report: Vigil process tree CPU (user + system, /proc) over accepted reports in the window (per answer: over accepted and rejected ones). RSS per device: RSS during the level minus RSS before its fleet connected, over the devices.',
      'Indexed lag: `_indextime - _time` of the events of the window in the embedded SIEM (time in the event to time stored); newest event age: now minus the newest event\'s `_time` when searched.',
      'Targets (issue 24): CPU per report ≤ 0.5 × the code before the issue at the same level; RSS per connected device ≤ 64 KiB at 10,000 devices.',
    ],
  };
}
