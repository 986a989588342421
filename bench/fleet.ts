/**
 * `npm run bench -- fleet [--devices 10000] [--hold-secs 300] [--source-addresses 200] [--storm]
 *   [--sim-procs N] [--vigil DIR[,DIR…]] [--vigil-env NAME=VALUE[,NAME=VALUE…]]`: one node holding a
 *   whole fleet, and the connect storm.
 *
 * Vigil runs as `vigil up --demo --devices 1` (the reference pipeline) with the MQTT limits at their
 * defaults; the fleet runs as `vigil simulate` of this checkout in other processes (one real mTLS
 * client per device, a report every 300 s), its devices bound in turn to 127.0.0.1 … 127.0.0.N so
 * that the per-address limits see a fleet from N addresses, as a real one is, rather than one
 * address carrying all of it. Measured: time to connect every device, Vigil's RSS (and V8 heap) per
 * connected device over the RSS before the fleet, over `--hold-secs` (every device reports once in
 * 300 s); with `--storm`, Vigil is stopped and started again on the same data and port and the time
 * until every device is connected again is measured, with the connections refused by the limits.
 *
 * `--vigil DIR,DIR` measures each checkout in turn (each must be built); the simulator is always
 * this checkout's. `--vigil-env` sets environment variables of the Vigil process only (e.g. glibc's
 * `MALLOC_MMAP_THRESHOLD_=65536`, see bench/RESULTS.md `## fleet`). The fleet needs about 2 file descriptors per device across the processes: raise
 * `ulimit -n` if it is below 2 × devices + 1,000.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metrics, stopped, sumMatching, until, usage, vigil } from './e2e.js';
import { fmt, median, type BenchContext, type BenchReport } from './types.js';

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEVICES_PER_SIM_PROCESS = 2500;
const SAMPLE_MS = 10_000;

interface Options {
  readonly devices: number;
  readonly holdSecs: number;
  readonly sourceAddresses: number;
  readonly storm: boolean;
  readonly simProcs: number | undefined;
  readonly checkouts: string[];
  /** Extra environment of the Vigil process (not of the simulators). */
  readonly vigilEnv: Readonly<Record<string, string>>;
}

function parseOptions(args: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? undefined : args[i + 1];
  };
  const count = (name: string, fallback: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, got "${raw}"`);
    return n;
  };
  const procs = value('sim-procs');
  return {
    devices: count('devices', 10_000),
    holdSecs: count('hold-secs', 300),
    sourceAddresses: Math.min(254, count('source-addresses', 200)),
    storm: args.includes('--storm'),
    simProcs: procs === undefined ? undefined : count('sim-procs', 1),
    checkouts: (value('vigil') ?? here).split(',').map((d) => resolve(d)),
    vigilEnv: Object.fromEntries(
      (value('vigil-env') ?? '')
        .split(',')
        .filter((pair) => pair.length > 0)
        .map((pair) => {
          const eq = pair.indexOf('=');
          if (eq <= 0) throw new Error(`--vigil-env takes NAME=VALUE pairs, got "${pair}"`);
          return [pair.slice(0, eq), pair.slice(eq + 1)];
        }),
    ),
  };
}

/** A free TCP port on loopback (the storm needs Vigil back on the port its devices know). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

interface Node {
  readonly process: ChildProcess;
  readonly api: string;
  readonly token: string;
  /** Performance.now() when the MQTT listener was up (endpoints.json written). */
  readonly listeningAt: number;
}

async function startNode(checkout: string, dataDir: string, config: string, env: Readonly<Record<string, string>>): Promise<Node> {
  const endpoints = join(dataDir, 'run', 'endpoints.json');
  rmSync(endpoints, { force: true });
  // vigil() spawns with this process's environment: set the extra variables for that spawn only.
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let child: ChildProcess;
  try {
    child = vigil(checkout, ['up', '-c', config, '--demo', '--devices', '1', '--log-format', 'json']);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const api = await until('the API endpoint', 180_000, () => {
    if (child.exitCode !== null) throw new Error(`vigil up exited ${child.exitCode}`);
    if (!existsSync(endpoints)) return undefined;
    return (JSON.parse(readFileSync(endpoints, 'utf8')) as Record<string, string>)['api'];
  });
  const listeningAt = performance.now();
  const token = readFileSync(join(dataDir, 'secrets', 'admin-token'), 'utf8').trim();
  return { process: child, api, token, listeningAt };
}

const connected = async (node: Node): Promise<number> => (await metrics(node)).get('vigil_mqtt_connected_clients') ?? 0;

/** Connections the limits refused or closed, and CONNECTs refused, since the node started. */
async function refusals(node: Node): Promise<{ limits: string; refused: string; total: number }> {
  const values = await metrics(node);
  const byLimit: string[] = [];
  let total = 0;
  for (const [key, n] of values) {
    if (!key.startsWith('vigil_mqtt_limit_hit_total') || n === 0) continue;
    byLimit.push(`${/limit="([^"]*)"/.exec(key)?.[1] ?? '?'} ${n}`);
    total += n;
  }
  const refused = sumMatching(values, 'vigil_mqtt_connect_refused_total');
  const reasons = [...values].filter(([key, n]) => key.startsWith('vigil_mqtt_connect_refused_total') && n > 0).map(([key, n]) => `${/reason="([^"]*)"/.exec(key)?.[1] ?? '?'} ${n}`);
  return { limits: byLimit.join(', ') || '0', refused: reasons.join(', ') || '0', total: total + refused };
}

function startFleet(node: Node, config: string, options: Options, certsRoot: string, port: number): ChildProcess[] {
  const procs = options.simProcs ?? Math.max(1, Math.ceil(options.devices / DEVICES_PER_SIM_PROCESS));
  const per = Math.ceil(options.devices / procs);
  const processes: ChildProcess[] = [];
  for (let p = 0, left = options.devices; left > 0; p++, left -= per) {
    const count = Math.min(per, left);
    processes.push(
      vigil(here, [
        'simulate', '-c', config, '--server', node.api, '--token', node.token, '--endpoint', `mqtts://127.0.0.1:${port}`,
        '--devices', String(count), '--speed', '1', '--prefix', `fleet${p}`, '--seed', String(200 + p),
        '--certs', join(certsRoot, `p${p}`), '--policy', 'DeviceDefenderAgentPolicy', '--thing-group', 'DeviceDefenderFleet',
        '--source-addresses', String(options.sourceAddresses),
      ], { quiet: true }),
    );
  }
  return processes;
}

export default async function fleet(context: BenchContext): Promise<BenchReport> {
  const options = parseOptions(context.args);
  const rows: Array<Array<string | number>> = [];
  for (const checkout of options.checkouts) {
    if (!existsSync(join(checkout, 'dist', 'vigil.js'))) throw new Error(`${checkout} is not built: run \`npm run build\` there`);
    const envLabel = Object.entries(options.vigilEnv).map(([k, v]) => `${k}=${v}`).join(' ');
    const label = `${checkout === here ? 'this checkout' : checkout}${envLabel === '' ? '' : ` (${envLabel})`}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-fleet-'));
    const certsRoot = join(dataDir, 'fleet-certs');
    mkdirSync(certsRoot, { recursive: true });
    const port = await freePort();
    const config = join(dataDir, 'vigil.yaml');
    writeFileSync(config, [`data_dir: ${JSON.stringify(dataDir)}`, 'log: { level: warn }', 'api: { listen: "127.0.0.1:0" }', 'hec: { listen: "127.0.0.1:0" }', `mqtt: { listen: "127.0.0.1:${port}" }`, ''].join('\n'));
    context.progress(`${label}: starting vigil up --demo (data ${dataDir}, MQTT port ${port})`);
    let node = await startNode(checkout, dataDir, config, options.vigilEnv);
    let sims: ChildProcess[] = [];
    try {
      await until('the reference pipeline', 180_000, async () => (await connected(node)) >= 1 || undefined);
      await new Promise((r) => setTimeout(r, 5000));
      const idle = usage(node.process.pid as number).rssBytes;
      const idleHeap = (await metrics(node)).get('nodejs_heap_size_used_bytes') ?? 0;
      context.progress(`${label}: idle RSS ${fmt(idle / 2 ** 20)} MiB; connecting ${options.devices} devices from ${options.sourceAddresses} addresses`);
      const t0 = performance.now();
      sims = startFleet(node, config, options, certsRoot, port);
      await until(`${options.devices} connected devices`, 40 * 60_000, async () => (await connected(node)) >= options.devices + 1 || undefined);
      const connectSecs = (performance.now() - t0) / 1000;
      const firstRefusals = await refusals(node);
      context.progress(`${label}: all connected after ${fmt(connectSecs)} s (provisioning included); holding ${options.holdSecs} s`);
      const m0 = await metrics(node);
      const samples: number[] = [];
      const holdStart = performance.now();
      while (performance.now() - holdStart < options.holdSecs * 1000) {
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
        samples.push(usage(node.process.pid as number).rssBytes);
      }
      const m1 = await metrics(node);
      const heap = m1.get('nodejs_heap_size_used_bytes') ?? 0;
      const stillConnected = (m1.get('vigil_mqtt_connected_clients') ?? 0) - 1;
      const accepted = sumMatching(m1, 'vigil_defender_report_answered_total', 'status="accepted"') - sumMatching(m0, 'vigil_defender_report_answered_total', 'status="accepted"');
      const rejected = sumMatching(m1, 'vigil_defender_report_answered_total', 'status="rejected"') - sumMatching(m0, 'vigil_defender_report_answered_total', 'status="rejected"');
      const rss = samples.at(-1) ?? usage(node.process.pid as number).rssBytes;
      const row: Array<string | number> = [
        label,
        fmt(options.devices),
        fmt(connectSecs),
        firstRefusals.limits,
        `${fmt(accepted)} / ${fmt(rejected)}`,
        fmt(idle / 2 ** 20),
        `${fmt(rss / 2 ** 20)} (max ${fmt(Math.max(...samples) / 2 ** 20)}, median ${fmt(median(samples) / 2 ** 20)})`,
        fmt((rss - idle) / stillConnected / 1024, 1),
        fmt((heap - idleHeap) / stillConnected / 1024, 1),
      ];
      if (options.storm) {
        context.progress(`${label}: restarting Vigil under ${fmt(stillConnected)} devices`);
        await stopped(node.process);
        node = await startNode(checkout, dataDir, config, options.vigilEnv);
        const back = await until(`${options.devices} devices back`, 30 * 60_000, async () => ((await connected(node)) >= options.devices + 1 ? performance.now() : undefined));
        const storm = await refusals(node);
        await new Promise((r) => setTimeout(r, 10_000));
        row.push(fmt((back - node.listeningAt) / 1000), storm.limits, storm.refused, fmt(usage(node.process.pid as number).rssBytes / 2 ** 20));
      } else {
        row.push('-', '-', '-', '-');
      }
      rows.push(row);
    } finally {
      await Promise.all(sims.map(stopped));
      await stopped(node.process);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return {
    columns: ['vigil', 'devices', 'connect all (s, incl. provisioning)', 'limit hits while connecting', `reports accepted / rejected in ${options.holdSecs} s`, 'Vigil RSS idle (MiB)', 'Vigil RSS with the fleet (MiB)', 'RSS KiB/device (over idle)', 'V8 heap KiB/device', 'storm: all back (s)', 'storm: limit hits', 'storm: CONNECTs refused by reason', 'RSS after storm (MiB)'],
    rows,
    notes: [
      `Vigil: \`vigil up --demo --devices 1\` (reference pipeline; MQTT limits at their defaults); the fleet: this checkout's \`vigil simulate\`, ${DEVICES_PER_SIM_PROCESS.toLocaleString('en')} devices per process, one mTLS client per device reporting every 300 s (QoS 1), bound in turn to 127.0.0.1 … 127.0.0.${options.sourceAddresses}.`,
      `RSS: the Vigil process (/proc), sampled every ${SAMPLE_MS / 1000} s over ${options.holdSecs} s once every device was connected; per device: the last sample minus the RSS before the fleet, over the devices connected. V8 heap: \`nodejs_heap_size_used_bytes\` from /metrics, same difference.`,
      'Storm: Vigil stopped (SIGTERM) and started again on the same data and port; the devices reconnect every second (mqtt.js); "all back" counts from the new listener being up to every device connected again. Limit hits: `vigil_mqtt_limit_hit_total` by limit in the new process; refused: `vigil_mqtt_connect_refused_total` by reason (`tls_handshake`: a handshake that failed, e.g. one its client gave up).',
      'Targets (issue 24): RSS per connected device ≤ 64 KiB and ≤ 900 MiB in all with 10,000 devices; the storm: all 10,000 back in ≤ 60 s, none refused.',
    ],
  };
}
