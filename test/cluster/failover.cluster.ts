import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilClient } from '../../src/api/index.js';
import { provisionFleet } from '../../src/demo/demo-fleet.js';
import { REFERENCE_RESOURCES } from '../../src/demo/index.js';
import { applyContext, applyResources, parseResources } from '../../src/resources/index.js';
import { buildFleet, targetIndex } from '../../src/sim/index.js';
import { VigilProcess, until } from '../support/vigil-process.js';
import { freePort, startClusterInfra, writeClusterKey, type ClusterInfra } from './infra.js';
import { ReportDriver, type AcceptedReport } from './report-driver.js';

const NODE_NAMES = ['a', 'b', 'c'];

/**
 * Issue 22's failover scenario: 60 devices spread over 3 Vigil nodes report through the reference
 * pipeline (the demo's security profile with its TCP-port behavior, the export rule, the `siem`
 * stream into node A's embedded SIEM) for 2 minutes; one node, chosen at random, is killed with
 * SIGKILL at a random moment and restarted, and one NATS server is killed and restarted. Every
 * report answered `accepted` must reach the SIEM (counted by thing and timestamp), duplicates are
 * counted and bounded, and the FTP-port device's alarm fires exactly once.
 */
const DEVICES = 60;
const RUN_MS = 120_000;
const INTERVAL_MS = 4000;
const FTP_AFTER_MS = 15_000;
const EXPORT_SECS = 1;
const SIEM_NODE = 0;

let infra: ClusterInfra;
let nodes: VigilProcess[];
const random = (from: number, to: number): number => from + Math.floor(Math.random() * (to - from));

beforeAll(async () => {
  infra = await startClusterInfra();
  const key = writeClusterKey(infra.dir);
  nodes = [];
  for (const [i, name] of NODE_NAMES.entries()) {
    const dir = join(infra.dir, `node-${name}`);
    mkdirSync(dir);
    // Fixed (probed) ports: a node restarted after kill -9 listens where its devices and the stream's sink expect it.
    const [mqttPort, hecPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    nodes.push(
      new VigilProcess(dir, {
        api: { listen: `127.0.0.1:${apiPort}` },
        hec: { listen: `127.0.0.1:${hecPort}` },
        mqtt: { listen: `127.0.0.1:${mqttPort}`, reports: { min_report_interval_secs: INTERVAL_MS / 2000 } },
        detect: { export_interval_secs: EXPORT_SECS },
        store: { registry: { type: 'postgres', url: infra.postgresUrl } },
        // Every NATS server, its own first: a node whose server dies moves to another.
        cluster: { node_id: `node-${name}`, nats: { urls: [...infra.natsUrls.slice(i), ...infra.natsUrls.slice(0, i)] }, secret_key_file: key, heartbeat_secs: 0.5, node_timeout_secs: 3, stream_ack_wait_secs: 5 },
      }),
    );
  }
  await nodes[0]!.start();
  await Promise.all(nodes.slice(1).map((n) => n.start()));
});

afterAll(async () => {
  await Promise.all((nodes ?? []).map((n) => n.stop().catch(() => undefined)));
  await infra?.stop();
});

async function search(node: VigilProcess, query: string): Promise<Array<Record<string, unknown>>> {
  const response = await node.fetchApi('/api/v1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, earliest: '0', maxRows: 100_000 }) });
  if (!response.ok) throw new Error(`search: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { rows: Array<Record<string, unknown>> }).rows;
}

/** How many times each accepted report (thing + the broker's timestamp) is in the SIEM. */
async function siemCounts(): Promise<Map<string, number>> {
  const rows = await search(nodes[SIEM_NODE]!, 'index=aws_hfb name="aws:num-listening-tcp-ports" | stats count by thing, timestamp');
  return new Map(rows.map((r) => [`${String(r['thing'])}@${String(r['timestamp'])}`, Number(r['count'])]));
}

describe('cluster failover: kill -9 of a node and of a NATS server under the reference pipeline', () => {
  it('every accepted report reaches the SIEM across a Vigil node kill and a NATS server kill; duplicates are bounded; the FTP-port alarm fires once', async () => {
    const a = nodes[0]!;
    const token = a.adminToken;
    const client = new VigilClient({ baseUrl: a.api, token });
    const ca = readFileSync(join(a.dataDir, 'secrets', 'ca.pem'), 'utf8');
    const vars = { region: 'local', account_id: '000000000000', hec_url: a.hec, hec_ca_file: a.hec.startsWith('https:') ? join(a.dataDir, 'secrets', 'ca.pem') : '' };
    await applyResources(applyContext(client, vars), parseResources(readFileSync(REFERENCE_RESOURCES, 'utf8'), REFERENCE_RESOURCES, { vars }), { skipUnavailable: true });

    const fleet = buildFleet({ count: DEVICES, seed: 7, prefix: 'fo' });
    const target = fleet[targetIndex(fleet.length)]!.thingName;
    const provisioned = await provisionFleet(client, fleet, { certsDir: join(infra.dir, 'certs'), policyName: 'DeviceDefenderAgentPolicy', thingGroup: 'DeviceDefenderFleet' });
    const driver = new ReportDriver({ fleet, identities: provisioned.identities, caPem: ca, endpoints: nodes.map((n) => n.endpoints['mqtt'] as string), nodeOf: (i) => i % 3, intervalMs: INTERVAL_MS, target, ftpAfterMs: FTP_AFTER_MS });

    const victim = random(0, 3);
    const killAt = random(20_000, 80_000);
    const natsVictim = random(0, 3);
    const natsKillAt = random(20_000, 90_000);
    process.stdout.write(`[failover] target ${target} on node ${targetIndex(fleet.length) % 3}; kill -9 node ${victim} at ${killAt} ms; kill -9 NATS ${natsVictim} at ${natsKillAt} ms\n`);

    await driver.start();
    const startedAt = Date.now();
    let killedAt = 0;
    const chaos = Promise.all([
      (async () => {
        await sleep(killAt);
        killedAt = Date.now();
        await nodes[victim]!.kill();
        await nodes[victim]!.start();
        process.stdout.write(`[failover] node ${victim} back after ${Date.now() - killedAt} ms\n`);
      })(),
      (async () => {
        await sleep(natsKillAt);
        await infra.nats[natsVictim]!.kill();
        await sleep(3000);
        await infra.nats[natsVictim]!.start();
      })(),
    ]);
    await sleep(RUN_MS);
    await chaos;
    await driver.stop();
    const runMs = Date.now() - startedAt;

    const accepted = driver.accepted;
    const key = (r: AcceptedReport): string => `${r.thing}@${r.timestamp}`;
    let counts = new Map<string, number>();
    const missing = (): AcceptedReport[] => accepted.filter((r) => !counts.has(key(r)));
    await until(async () => ((counts = await siemCounts()), missing().length === 0), 'every accepted report in the SIEM', 60_000, 1000).catch(() => undefined);
    const lost = missing();
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    const rejected = Object.fromEntries(driver.rejected);
    process.stdout.write(`[failover] ${runMs} ms: published ${driver.published}, accepted ${accepted.length}, rejected ${JSON.stringify(rejected)}, skipped ${driver.skipped}; in SIEM ${counts.size} distinct, duplicates ${duplicates}, lost ${lost.length}\n`);
    if (lost.length > 0) {
      // Where and when the lost reports were accepted: by node, in 10 s steps relative to the kill.
      const where = new Map<string, number>();
      for (const r of lost) {
        const at = `node ${r.node} ${Math.floor((r.answeredAt - killedAt) / 10_000) * 10}s`;
        where.set(at, (where.get(at) ?? 0) + 1);
      }
      process.stdout.write(`[failover] lost by node and time from the kill: ${JSON.stringify(Object.fromEntries(where))}; ms before the kill: ${lost.map((r) => killedAt - r.answeredAt).join(', ')}\n`);
      for (const node of nodes) process.stdout.write(`[failover] ${node.dir}: ${await (await node.fetchApi('/api/v1/streams/siem/status')).text()}\n`);
    }

    // The FTP-port device's alarm: one in-alarm event, whichever node evaluated it.
    const events = await a.fetchApi(`/violation-events?startTime=${Math.floor(startedAt / 1000) - 60}&endTime=${Math.ceil(Date.now() / 1000) + 60}&thingName=${target}`);
    const listed = (await events.json()) as { violationEvents: Array<{ violationEventType: string; behavior: { name: string } }> };
    const alarms = listed.violationEvents.filter((e) => e.violationEventType === 'in-alarm' && e.behavior.name === 'ListeningTcpPortsInExpectedSet');
    process.stdout.write(`[failover] ${target}: ${alarms.length} in-alarm event(s)\n`);

    expect(accepted.length).toBeGreaterThan(DEVICES * (RUN_MS / INTERVAL_MS) * 0.7);
    // Nothing answered accepted is lost: not to the NATS kill, and not to the Vigil kill (the killed
    // node's unexported metrics are in its export journal, exported when it restarts).
    expect(lost).toEqual([]);
    // Duplicates come from redeliveries after the kills (records a node held whose acknowledgement
    // was lost): at most what the nodes held unacknowledged at those moments.
    expect(duplicates).toBeLessThanOrEqual(accepted.length * 0.15);
    expect(alarms).toHaveLength(1);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
