/**
 * `npm run bench -- cluster [--nodes 1,2,3] [--devices 600] [--rate 300] [--windows 2] [--window-secs 15]`:
 * cluster mode on this machine (docs/cluster.md).
 *
 * A 3-server NATS cluster (JetStream, R3) and a PostgreSQL registry on loopback (test/cluster/infra.ts:
 * `VIGIL_TEST_POSTGRES_URL`, else a throwaway `initdb`), then for each node count N: N `vigil up`
 * nodes with one cluster config, the reference pipeline applied through node 1 (security profile,
 * export rule, `siem` stream into node 1's embedded SIEM; its buffer in JetStream), and N `vigil
 * simulate` processes, one per node, sharing the fleet and the offered rate. After every device
 * reported twice it measures windows: reports accepted/s (all nodes, from /metrics), reports indexed
 * in the SIEM/s (end to end: export → rule → JetStream → HEC), and the Vigil nodes' CPU per accepted
 * report (the coordination cost shows as CPU per report growing with N; absolute scaling needs more
 * cores than this machine has) and, with 2 and 3 nodes, the time a report routed to its owner node
 * waits for the owner's acknowledgement. Then, for reference, the bare NATS request/reply round trip
 * of a datapoint-sized message between connections on two different NATS servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { freePort, startClusterInfra, writeClusterKey, type ClusterInfra } from '../test/cluster/infra.js';
import { stopped, until } from './e2e.js';
import { fmt, median, percentile, type BenchContext, type BenchReport } from './types.js';

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const REPORT_INTERVAL_SECS = 300;
const INDEX = 'aws_hfb';

interface Options {
  readonly nodes: number[];
  readonly devices: number;
  readonly rate: number;
  readonly windows: number;
  readonly windowSecs: number;
}

function parseOptions(args: readonly string[]): Options {
  const value = (name: string, fallback: string): string => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? fallback : (args[i + 1] ?? fallback);
  };
  const nodes = value('nodes', '1,2,3').split(',').map(Number);
  if (nodes.some((n) => !Number.isInteger(n) || n < 1 || n > 3)) throw new Error('--nodes takes counts from 1 to 3 separated by commas');
  const number = (name: string, fallback: string): number => {
    const n = Number(value(name, fallback));
    if (!(n > 0)) throw new Error(`--${name} takes a positive number`);
    return n;
  };
  return { nodes, devices: number('devices', '600'), rate: number('rate', '300'), windows: number('windows', '2'), windowSecs: number('window-secs', '15') };
}

interface Node {
  readonly dir: string;
  readonly config: string;
  readonly ports: { api: number; hec: number; mqtt: number };
  process?: ChildProcess;
}

const api = (node: Node): string => `http://127.0.0.1:${node.ports.api}`;
const token = (node: Node): string => readFileSync(join(node.dir, 'data', 'secrets', 'admin-token'), 'utf8').trim();

function vigil(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [join(here, 'bin', 'vigil.mjs'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => void (tail = (tail + chunk.toString()).slice(-3000)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`[cluster] vigil ${args[0]} exited ${code}:\n${tail}\n`);
  });
  return child;
}

async function makeNode(root: string, index: number, infra: ClusterInfra, key: string, minIntervalSecs: number): Promise<Node> {
  const dir = join(root, `node-${index + 1}`);
  mkdirSync(dir, { recursive: true });
  const ports = { api: await freePort(), hec: await freePort(), mqtt: await freePort() };
  const config = join(dir, 'vigil.yaml');
  const urls = [...infra.natsUrls.slice(index), ...infra.natsUrls.slice(0, index)];
  writeFileSync(
    config,
    `${JSON.stringify({
      data_dir: join(dir, 'data'),
      log: { level: 'warn' },
      api: { listen: `127.0.0.1:${ports.api}` },
      hec: { listen: `127.0.0.1:${ports.hec}` },
      // One source address carries the whole fleet: exempt loopback from the per-address limits.
      mqtt: { listen: `127.0.0.1:${ports.mqtt}`, limit_exempt_cidrs: ['127.0.0.0/8'], max_pending_per_ip: 100_000, reports: { min_report_interval_secs: minIntervalSecs } },
      detect: { export_interval_secs: 5 },
      store: { registry: { type: 'postgres', url: infra.postgresUrl } },
      cluster: { node_id: `bench-${index + 1}`, nats: { urls }, secret_key_file: key },
    })}\n`,
  );
  return { dir, config, ports };
}

async function startNode(node: Node): Promise<void> {
  const endpoints = join(node.dir, 'data', 'run', 'endpoints.json');
  rmSync(endpoints, { force: true });
  const child = vigil(['up', '-c', node.config]);
  node.process = child;
  await until('vigil up', 120_000, () => {
    if (child.exitCode !== null) throw new Error(`vigil up exited ${child.exitCode}`);
    return existsSync(endpoints) || undefined;
  });
}

async function metrics(node: Node): Promise<Map<string, number>> {
  const response = await fetch(`${api(node)}/metrics`, { headers: { authorization: `Bearer ${token(node)}` } });
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

const accepted = (m: Map<string, number>): number => [...m].filter(([k]) => k.startsWith('vigil_defender_report_answered_total') && k.includes('status="accepted"')).reduce((s, [, v]) => s + v, 0);
const connected = (m: Map<string, number>): number => m.get('vigil_mqtt_connected_clients') ?? 0;

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSecs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Each node's detect routing as `GET /api/v1/cluster` shows it: datapoints sent to owners and the hand-off → owner-acknowledgement latency. */
async function routing(node: Node): Promise<{ sent: number; p50: number | undefined; max: number | undefined }> {
  const response = await fetch(`${api(node)}/api/v1/cluster`, { headers: { authorization: `Bearer ${token(node)}` } });
  const detect = ((await response.json()) as { detect?: { routed: { sent: number }; routeLatencyMs?: { p50: number; max: number } } }).detect;
  return { sent: detect?.routed.sent ?? 0, p50: detect?.routeLatencyMs?.p50, max: detect?.routeLatencyMs?.max };
}

async function indexedReports(node: Node, fromMs: number, toMs: number): Promise<number> {
  const query = `search index=${INDEX} name="aws:num-listening-tcp-ports" earliest=-15m | where _indextime>=${fromMs / 1000} AND _indextime<${toMs / 1000} | stats count`;
  const response = await fetch(`${api(node)}/services/search/jobs/export`, { method: 'POST', headers: { authorization: `Bearer ${token(node)}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ search: query, output_mode: 'json' }) });
  const line = (await response.text()).split('\n').find((l) => l.includes('"result"'));
  return line === undefined ? 0 : Number((JSON.parse(line) as { result: { count: string } }).result.count);
}

async function applyPipeline(node: Node): Promise<void> {
  const done = vigil(['apply', '-c', node.config, '-f', join(here, 'examples', 'reference-pipeline', 'resources.yaml'), '--server', api(node), '--token', token(node)]);
  const code = await new Promise<number | null>((r) => done.once('exit', r));
  if (code !== 0) throw new Error(`vigil apply exited ${code}`);
}

/** The routing hop: request/reply of a datapoint-sized (1 KiB) message between connections on two NATS servers. */
async function routingHop(infra: ClusterInfra, count: number): Promise<number[]> {
  const [a, b] = await Promise.all([connect({ servers: infra.natsUrls[0] }), connect({ servers: infra.natsUrls[1] })]);
  const subscription = b.subscribe('bench.route', { callback: (_error, message) => void message.respond(message.data.subarray(0, 16)) });
  await b.flush();
  const payload = new Uint8Array(1024).fill(7);
  const samples: number[] = [];
  for (let i = -50; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await a.request('bench.route', payload, { timeout: 5000 });
    if (i >= 0) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  subscription.unsubscribe();
  await Promise.all([a.close(), b.close()]);
  return samples;
}

export default async function cluster(context: BenchContext): Promise<BenchReport> {
  const options = parseOptions(context.args);
  if (!existsSync(join(here, 'dist', 'vigil.js'))) throw new Error('not built: run `npm run build` first');
  const speed = (REPORT_INTERVAL_SECS * options.rate) / options.devices;
  const intervalSecs = REPORT_INTERVAL_SECS / speed;
  context.progress(`starting PostgreSQL and a 3-server NATS cluster`);
  const infra = await startClusterInfra();
  const key = writeClusterKey(infra.dir);
  const nodes: Node[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await makeNode(infra.dir, i, infra, key, intervalSecs / 2));
  const rows: Array<Array<string | number>> = [];
  let baseCpu: number | undefined;
  try {
    for (const count of options.nodes) {
      const active = nodes.slice(0, count);
      context.progress(`${count} node(s): ${options.devices} devices, ${options.rate} reports/s offered (a report every ${fmt(intervalSecs)} s)`);
      await startNode(active[0] as Node);
      await Promise.all(active.slice(1).map(startNode));
      if (rows.length === 0) await applyPipeline(active[0] as Node);
      const sims = active.map((node, i) => {
        const devices = Math.floor(options.devices / count) + (i < options.devices % count ? 1 : 0);
        return vigil(['simulate', '-c', node.config, '--server', api(node), '--token', token(node), '--endpoint', `mqtts://127.0.0.1:${node.ports.mqtt}`, '--devices', String(devices), '--speed', String(speed), '--prefix', `cb${count}n${i}`, '--seed', String(10 * count + i), '--certs', join(infra.dir, 'certs', `cb${count}n${i}`), '--policy', 'DeviceDefenderAgentPolicy', '--thing-group', 'DeviceDefenderFleet']);
      });
      try {
        await until(`${options.devices} connected devices`, 10 * 60_000, async () => ((await Promise.all(active.map(metrics))).reduce((s, m) => s + connected(m), 0) >= options.devices ? true : undefined));
        await new Promise((r) => setTimeout(r, Math.max(10, 2 * intervalSecs) * 1000));
        const windows: Array<{ accepted: number; indexed: number; cpu: number; simCpu: number; natsCpu: number }> = [];
        const natsCpu = (): number => infra.nats.reduce((s, n) => s + cpuSecs(n.process().pid), 0);
        for (let w = 0; w < options.windows; w++) {
          const m0 = await Promise.all(active.map(metrics));
          const c0 = active.reduce((s, n) => s + cpuSecs(n.process?.pid), 0);
          const s0 = sims.reduce((s, p) => s + cpuSecs(p.pid), 0);
          const n0 = natsCpu();
          const t0 = Date.now();
          await new Promise((r) => setTimeout(r, options.windowSecs * 1000));
          const m1 = await Promise.all(active.map(metrics));
          const t1 = Date.now();
          const seconds = (t1 - t0) / 1000;
          const acceptedCount = m1.reduce((s, m) => s + accepted(m), 0) - m0.reduce((s, m) => s + accepted(m), 0);
          // Reports indexed in the window, counted once the pipeline had time to carry them (export interval + buffering).
          await new Promise((r) => setTimeout(r, 1000));
          const indexed = await indexedReports(active[0] as Node, t0, t1);
          windows.push({ accepted: acceptedCount / seconds, indexed: indexed / seconds, cpu: (active.reduce((s, n) => s + cpuSecs(n.process?.pid), 0) - c0) / seconds, simCpu: (sims.reduce((s, p) => s + cpuSecs(p.pid), 0) - s0) / seconds, natsCpu: (natsCpu() - n0) / seconds });
        }
        const routes = count === 1 ? [] : await Promise.all(active.map(routing));
        const routedP50 = routes.map((r) => r.p50).filter((v): v is number => v !== undefined);
        const routedMax = routes.map((r) => r.max).filter((v): v is number => v !== undefined);
        const routeCell = routedP50.length === 0 ? '—' : `${fmt(median(routedP50))} / ${fmt(Math.max(...routedMax))} (${fmt(routes.reduce((s, r) => s + r.sent, 0))} sent)`;
        const med = (f: (w: (typeof windows)[number]) => number): number => median(windows.map(f));
        const cpuPerReport = (med((w) => w.cpu) * 1e6) / Math.max(1, med((w) => w.accepted));
        baseCpu ??= cpuPerReport;
        rows.push([count, options.devices, options.rate, fmt(med((w) => w.accepted)), fmt(med((w) => w.indexed)), med((w) => w.cpu).toFixed(2), fmt(cpuPerReport), `${(cpuPerReport / baseCpu).toFixed(2)}×`, fmt((1e6 / cpuPerReport) * count), fmt((med((w) => w.natsCpu) * 1e6) / Math.max(1, med((w) => w.accepted))), med((w) => w.simCpu).toFixed(2), routeCell]);
      } finally {
        await Promise.all(sims.map(stopped));
        await Promise.all(active.map((n) => stopped(n.process)));
      }
    }
    context.progress('routing hop: NATS request/reply between two servers');
    const hop = await routingHop(infra, 2000);
    return {
      columns: ['nodes', 'devices', 'offered reports/s', 'accepted/s', 'indexed in SIEM/s', 'Vigil cores (all nodes)', 'Vigil CPU µs/report', 'vs 1 node', 'reports/s at 1 core per node', 'NATS CPU µs/report (3 servers)', 'simulator cores', 'route to owner ms: median of nodes\' p50 / max (datapoints sent)'],
      rows,
      notes: [
        `Nodes: \`vigil up\` with one cluster config (PostgreSQL registry, 3 NATS servers with JetStream, delivery-stream buffer R3), each in its own process; the fleet: one \`vigil simulate\` process per node. Medians of ${options.windows} windows of ${options.windowSecs} s after every device reported twice. Everything (PostgreSQL, NATS, nodes, simulators) shares this machine's cores.`,
        '"indexed in SIEM/s": events of one exported metric (aws:num-listening-tcp-ports, one per report) stored in node 1\'s embedded SIEM during the window: the end-to-end rate. "reports/s at 1 core per node": N × 10⁶ / (CPU µs per report), the capacity if each node had one core of its own.',
        '"route to owner": a report of a thing another node owns is batched (up to 5 ms) and sent to the owner with NATS request/reply; the owner answers once its export journal stored it, and only then is the report answered `accepted`. The figure is each node\'s hand-off → acknowledgement time over its last 1,000 batches (`GET /api/v1/cluster`, `detect.routeLatencyMs`), read after the windows: the median of the nodes\' medians and the largest maximum.',
        `Bare NATS hop for reference (request/reply of 1 KiB between connections on two different NATS servers, ${hop.length} requests): median ${hop.length === 0 ? '?' : median(hop).toFixed(3)} ms, p99 ${hop.length === 0 ? '?' : percentile(hop, 99).toFixed(3)} ms.`,
      ],
    };
  } finally {
    await Promise.all(nodes.map((n) => stopped(n.process)));
    await infra.stop();
  }
}
