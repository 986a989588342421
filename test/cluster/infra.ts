import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { VigilProcess, merge, until } from '../support/vigil-process.js';

/**
 * What the cluster suite runs against, all on loopback: a PostgreSQL (the one CI started, named by
 * VIGIL_TEST_POSTGRES_URL, else a throwaway cluster of its own) with a fresh database, and a 3-node
 * NATS cluster with JetStream (Debian's nats-server).
 */
export interface ClusterInfra {
  readonly postgresUrl: string;
  readonly natsUrls: string[];
  readonly nats: NatsServer[];
  readonly dir: string;
  stop(): Promise<void>;
}

export interface NatsServer {
  readonly name: string;
  readonly url: string;
  readonly process: () => ChildProcess;
  kill(): Promise<void>;
  start(): Promise<void>;
}

const PGBIN = '/usr/lib/postgresql/15/bin';
const NATS = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => existsSync(p));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    }).catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startPostgres(dir: string): Promise<{ url: string; stop(): void }> {
  if (!existsSync(join(PGBIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${PGBIN}); install it: apt-get install -y postgresql`);
  const root = process.getuid?.() === 0;
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir);
  const asPg = (args: string[]) => (root ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' }) : spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8' }));
  if (root) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(pgDir, uid, gid);
  }
  const init = asPg([join(PGBIN, 'initdb'), '-D', join(pgDir, 'data'), '-A', 'trust', '-U', 'postgres']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const started = asPg([join(PGBIN, 'pg_ctl'), '-D', join(pgDir, 'data'), '-l', join(pgDir, 'log'), '-w', '-o', `-p ${port} -k ${pgDir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.stderr}`);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => void asPg([join(PGBIN, 'pg_ctl'), '-D', join(pgDir, 'data'), '-m', 'immediate', 'stop']) };
}

/** A fresh database on the server of `adminUrl`, so that runs never see each other's registry. */
async function freshDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vigil_cluster_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function startNatsCluster(dir: string, size: number): Promise<NatsServer[]> {
  if (NATS === undefined) throw new Error('nats-server is not installed; install it: apt-get install -y nats-server');
  const clientPorts = await Promise.all(Array.from({ length: size }, freePort));
  const routePorts = await Promise.all(Array.from({ length: size }, freePort));
  const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(',');
  const servers: NatsServer[] = [];
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    const store = join(dir, 'nats', name);
    mkdirSync(store, { recursive: true });
    const args = ['-a', '127.0.0.1', '-p', String(clientPorts[i]), '-n', name, '--cluster_name', 'vigil-test', '--cluster', `nats://127.0.0.1:${routePorts[i]}`, '--routes', routes, '-js', '-sd', store];
    let child: ChildProcess | undefined;
    const server: NatsServer = {
      name,
      url: `nats://127.0.0.1:${clientPorts[i]}`,
      process: () => child as ChildProcess,
      async start() {
        child = spawn(NATS, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        await waitForPort(clientPorts[i] as number, 15_000);
      },
      async kill() {
        const running = child;
        if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGKILL');
        await exited;
      },
    };
    servers.push(server);
  }
  await Promise.all(servers.map((s) => s.start()));
  return servers;
}

export async function startClusterInfra(): Promise<ClusterInfra> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-'));
  chmodSync(dir, 0o755);
  const ownPostgres = process.env['VIGIL_TEST_POSTGRES_URL'] === undefined ? await startPostgres(dir) : undefined;
  const database = await freshDatabase(process.env['VIGIL_TEST_POSTGRES_URL'] ?? (ownPostgres?.url as string));
  const nats = await startNatsCluster(dir, 3);
  return {
    postgresUrl: database.url,
    natsUrls: nats.map((n) => n.url),
    nats,
    dir,
    async stop() {
      await Promise.all(nats.map((n) => n.kill()));
      await database.drop().catch(() => undefined);
      ownPostgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A cluster secret key file (0600) every node of a test shares. */
export function writeClusterKey(dir: string): string {
  const path = join(dir, 'cluster.key');
  writeFileSync(path, `${randomBytes(48).toString('base64')}\n`, { mode: 0o600 });
  return path;
}

/**
 * Three `vigil up` nodes (node-a, node-b, node-c) of one cluster: the PostgreSQL registry, one shared
 * cluster key, and each node on its own NATS server, so that whatever crosses nodes crosses the NATS
 * cluster's routes too. `config` is merged into every node's config. Node A starts first (it creates
 * the cluster CA), then B and C together (they take it). With `allUp`, it returns once every node
 * lists all three as up. A node that fails to start stops the others before the error is thrown.
 */
export async function startClusterNodes(infra: ClusterInfra, config: Readonly<Record<string, unknown>> = {}, options: { allUp?: boolean } = {}): Promise<VigilProcess[]> {
  const key = writeClusterKey(infra.dir);
  const nodes = ['a', 'b', 'c'].map((name, i) => {
    const dir = join(infra.dir, `node-${name}`);
    mkdirSync(dir);
    const own = {
      store: { registry: { type: 'postgres', url: infra.postgresUrl } },
      cluster: { node_id: `node-${name}`, nats: { urls: [infra.natsUrls[i]] }, secret_key_file: key, heartbeat_secs: 0.5, node_timeout_secs: 3 },
    };
    return new VigilProcess(dir, merge(own, config));
  });
  try {
    await nodes[0]!.start();
    await Promise.all(nodes.slice(1).map((n) => n.start()));
    if (options.allUp === true) for (const node of nodes) await until(async () => (await upNodes(node)) === 3, 'three nodes up', 20_000);
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
    throw error;
  }
  return nodes;
}

/** How many nodes `node` lists as up (`GET /api/v1/cluster`). */
async function upNodes(node: VigilProcess): Promise<number> {
  const response = await node.fetchApi('/api/v1/cluster');
  if (!response.ok) throw new Error(`GET /api/v1/cluster: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { nodes: Array<{ state: string }> }).nodes.filter((n) => n.state === 'up').length;
}
