/**
 * Memory per idle mTLS connection, in isolation (issue 24): a child process runs the ingress test
 * fixture of a checkout (real broker, registry on SQLite, no pipeline), this process opens N mqtt.js
 * connections to it, then the child reports, after two full GCs, what N connections added per
 * connection: RSS, V8 heap used, and the RSS of glibc's heap (`[heap]` in /proc/self/smaps) apart
 * from anonymous mappings (V8's pages, large mallocs).
 *
 *   npx tsx bench/support/connection-memory.ts [--checkout DIR] [--connections 1000] [--bare]
 *
 * `--checkout` measures another checkout's source (its node_modules must be installed or linked);
 * `--bare` holds the connections on a bare `tls.Server` with the same credentials instead (the floor
 * Node's TLS sets). Not a measurement of record: RSS moves ±10 KiB per connection between runs with
 * glibc's heap reuse; V8 heap used is stable to ±0.1 KiB. Run it niced, alone for figures.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { resolve } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const checkout = resolve(flag('checkout') ?? fileURLToPath(new URL('../..', import.meta.url)));
const count = Number(flag('connections') ?? 1000);
const bare = args.includes('--bare');
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] });

interface Sample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly smaps: Record<string, number>;
}

function sample(): Sample {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const smaps: Record<string, number> = {};
  let region = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) region = head[1] === '' ? 'anon' : (head[1] as string).startsWith('[') ? (head[1] as string) : 'file';
    const rss = /^Rss:\s+(\d+)/.exec(line);
    if (rss !== null) smaps[region] = (smaps[region] ?? 0) + Number(rss[1]) * 1024;
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, smaps };
}

async function child(): Promise<void> {
  const { startIngressFixture } = (await import(`${checkout}/test/integration/ingress-support.ts`)) as typeof import('../../test/integration/ingress-support.js');
  const fx = await startIngressFixture({ mqtt: { max_connects_per_ip: 1_000_000, max_pending_per_ip: 100_000 } });
  await fx.registry.policies.createPolicy('all', ALLOW_ALL);
  const device = await fx.device('probe', { policy: 'all' });
  let url = fx.url;
  const held: TLSSocket[] = [];
  if (bare) {
    const tls = createTlsServer({ key: fx.registry.server.privateKeyPem, cert: fx.registry.server.certificatePem, ca: [fx.caPem], requestCert: true, rejectUnauthorized: true }, (socket) => {
      held.push(socket);
      // Answer CONNECT with a CONNACK so that mqtt.js counts the connection as up.
      socket.once('data', () => socket.write(Buffer.from([0x20, 2, 0, 0])));
    });
    const front = createNetServer((socket) => tls.emit('connection', socket));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    url = `mqtts://127.0.0.1:${(front.address() as { port: number }).port}`;
  }
  process.send?.({ url, creds: { cert: device.certPem, key: device.keyPem, ca: fx.caPem } });
  process.on('message', (message) => {
    if (message === 'before') process.send?.(sample());
    else if (message === 'measure') process.send?.({ after: sample(), connected: bare ? held.length : fx.ingress.connections().length });
    else process.exit(0);
  });
}

async function main(): Promise<void> {
  const worker = fork(fileURLToPath(import.meta.url), args, { cwd: checkout, execArgv: ['--import', 'tsx', '--expose-gc'], env: { ...process.env, VIGIL_CONNECTION_MEMORY_CHILD: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(): Promise<T> => new Promise((r) => worker.once('message', (m) => r(m as T)));
  const ready = await next<{ url: string; creds: { cert: string; key: string; ca: string } }>();
  // One connection first: what the first one builds once (mqtt-packet's 6 MiB cache of packet ids,
  // compiled code, the policy cache) is not per connection.
  const clients: MqttClient[] = [await mqtt.connectAsync(ready.url, { clientId: 'probe-warm-up', ...ready.creds, reconnectPeriod: 0, keepalive: 600 })];
  worker.send('before');
  const before = await next<Sample>();
  let opened = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (opened < count) {
        const id = opened++;
        clients.push(await mqtt.connectAsync(ready.url, { clientId: `probe-${id}`, ...ready.creds, reconnectPeriod: 0, keepalive: 600 }));
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 3000));
  worker.send('measure');
  const { after, connected } = await next<{ after: Sample; connected: number }>();
  const per = (a: number, b: number): string => ((a - b) / count / 1024).toFixed(1);
  process.stdout.write(
    `${checkout}${bare ? ' (bare tls.Server)' : ''}: ${connected - 1} of ${count} connected (+1 warm-up); per connection KiB: RSS ${per(after.rss, before.rss)}, V8 heap used ${per(after.heapUsed, before.heapUsed)}, glibc [heap] ${per(after.smaps['[heap]'] ?? 0, before.smaps['[heap]'] ?? 0)}, anonymous ${per(after.smaps['anon'] ?? 0, before.smaps['anon'] ?? 0)} (RSS ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MiB)\n`,
  );
  await Promise.all(clients.map((c) => c.endAsync(true)));
  worker.send('stop');
}

if (process.env['VIGIL_CONNECTION_MEMORY_CHILD'] === '1') await child();
else await main();
