import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeReport } from '../../src/protocol/index.js';
import { tempDir } from '../support/temp.js';
import { startIngressFixture, type IngressFixture } from './ingress-support.js';

// The real Eclipse Mosquitto command-line clients (Debian package mosquitto-clients; .ci/run installs it).
// This file must not skip: without the binaries it fails, naming the package to install.
const MISSING = spawnSync('mosquitto_pub', ['--help']).error !== undefined || spawnSync('mosquitto_sub', ['--help']).error !== undefined;

/** Lines mosquitto_sub prints for a message: MSG|topic|payload|correlation data|user properties. */
const FORMAT = 'MSG|%t|%p|%D|%P';

interface Running {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

function run(command: 'mosquitto_pub' | 'mosquitto_sub', args: string[]): Running {
  // Line-buffered: the clients' debug lines (SUBACK received) must arrive while they run.
  const child = spawn('stdbuf', ['-oL', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  const take = (chunk: Buffer): void => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('ingress: the Mosquitto clients with -V mqttv5 and a device certificate', () => {
  let fx: IngressFixture;
  let dir: ReturnType<typeof tempDir>;
  let port: string;
  const files: Record<string, string[]> = {};
  const started: Running[] = [];

  beforeAll(async () => {
    if (MISSING) return;
    fx = await startIngressFixture();
    port = new URL(fx.url).port;
    dir = tempDir('vigil-mosquitto-');
    writeFileSync(join(dir.path, 'ca.pem'), fx.caPem);
    const arn = `arn:aws:iot:${fx.registry.arns.region}:${fx.registry.arns.accountId}`;
    await fx.registry.policies.createPolicy(
      'mosquitto-v5',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/\${iot:Connection.Thing.ThingName}` },
          { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [`${arn}:topic/app/*`, `${arn}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/*`] },
          { Effect: 'Allow', Action: 'iot:Subscribe', Resource: [`${arn}:topicfilter/app/*`, `${arn}:topicfilter/$share/*`, `${arn}:topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/*`] },
          // mq-sub watches mq-pub's report answers.
          { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${arn}:topicfilter/$aws/things/mq-pub/defender/*` },
          { Effect: 'Allow', Action: 'iot:Receive', Resource: `${arn}:topic/$aws/things/mq-pub/defender/*` },
        ],
      }),
    );
    for (const name of ['mq-pub', 'mq-sub', 'mq-share1', 'mq-share2', 'mq-late']) {
      const device = await fx.device(name, { policy: 'mosquitto-v5' });
      writeFileSync(join(dir.path, `${name}.crt`), device.certPem);
      writeFileSync(join(dir.path, `${name}.key`), device.keyPem, { mode: 0o600 });
      files[name] = ['-h', '127.0.0.1', '-p', port, '-V', 'mqttv5', '--cafile', join(dir.path, 'ca.pem'), '--cert', join(dir.path, `${name}.crt`), '--key', join(dir.path, `${name}.key`), '-i', name];
    }
  });
  afterAll(async () => {
    for (const r of started) r.child.kill();
    await fx?.close();
    dir?.remove();
  });

  const tls = (name: string): string[] => files[name] as string[];

  function sub(name: string, args: string[]): Running {
    const r = run('mosquitto_sub', [...tls(name), '-d', '-F', FORMAT, ...args]);
    started.push(r);
    return r;
  }

  async function pub(name: string, args: string[]): Promise<{ code: number | null; lines: string[] }> {
    const r = run('mosquitto_pub', [...tls(name), '-d', ...args]);
    return { code: await r.exited, lines: r.lines };
  }

  const messages = (r: Running): string[][] => r.lines.filter((l) => l.startsWith('MSG|')).map((l) => l.split('|').slice(1));
  const subscribed = (r: Running) => vi.waitFor(() => expect(r.lines.some((l) => l.includes('received SUBACK')), r.lines.join('\n')).toBe(true), { timeout: 10_000 });

  it('has the mosquitto clients installed', () => {
    expect(MISSING, 'mosquitto_pub/mosquitto_sub not found: install the Debian package mosquitto-clients (apt-get install -y mosquitto-clients)').toBe(false);
  });

  it('publishes a Device Defender report with mosquitto_pub and gets ACCEPTED on /accepted and on its response topic with the correlation data', async () => {
    const watcher = sub('mq-sub', ['-t', '$aws/things/mq-pub/defender/metrics/json/accepted', '-t', 'app/mq-pub/answers', '-C', '2', '-q', '1']);
    await subscribed(watcher);
    const report = Buffer.from(encodeReport({ header: { reportId: 41, version: '1.0' }, metrics: { listeningTcpPorts: { ports: [{ port: 22 }], total: 1 } } }, { format: 'json', keys: 'long' })).toString();
    const sent = await pub('mq-pub', ['-t', '$aws/things/mq-pub/defender/metrics/json', '-m', report, '-q', '1', '-D', 'publish', 'response-topic', 'app/mq-pub/answers', '-D', 'publish', 'correlation-data', 'req-41']);
    expect(sent.code).toBe(0);
    await vi.waitFor(() => expect(messages(watcher)).toHaveLength(2), { timeout: 5000 });
    const byTopic = new Map(messages(watcher).map((m) => [m[0], m]));
    const accepted = byTopic.get('$aws/things/mq-pub/defender/metrics/json/accepted') as string[];
    const answer = byTopic.get('app/mq-pub/answers') as string[];
    expect(JSON.parse(accepted[1] as string)).toMatchObject({ reportId: 41, status: 'ACCEPTED', thingName: 'mq-pub' });
    expect(JSON.parse(answer[1] as string)).toMatchObject({ reportId: 41, status: 'ACCEPTED' });
    expect(answer[2]).toBe('req-41');
    expect(fx.datapoints.devices.filter((d) => d.thingName === 'mq-pub').map((d) => d.reportId)).toEqual([41]);
  });

  it('passes a user property from mosquitto_pub to mosquitto_sub', async () => {
    const watcher = sub('mq-sub', ['-t', 'app/props', '-C', '1', '-q', '1']);
    await subscribed(watcher);
    expect((await pub('mq-pub', ['-t', 'app/props', '-m', 'hello', '-q', '1', '-D', 'publish', 'user-property', 'site', 'plant-4'])).code).toBe(0);
    await vi.waitFor(() => expect(messages(watcher)).toHaveLength(1), { timeout: 5000 });
    const [topic, payload, , users] = messages(watcher)[0] as string[];
    expect([topic, payload]).toEqual(['app/props', 'hello']);
    expect(users).toContain('site:plant-4');
  });

  it('does not deliver a queued message whose expiry interval passed, but delivers the one still alive (persistent session, -c -x)', async () => {
    const first = sub('mq-late', ['-t', 'app/late', '-q', '1', '-c', '-x', '300']);
    await subscribed(first);
    first.child.kill();
    await first.exited;
    await vi.waitFor(() => expect(fx.ingress.connections().some((c) => c.clientId === 'mq-late')).toBe(false), { timeout: 5000 });
    expect((await pub('mq-pub', ['-t', 'app/late', '-m', 'expired', '-q', '1', '-D', 'publish', 'message-expiry-interval', '1'])).code).toBe(0);
    expect((await pub('mq-pub', ['-t', 'app/late', '-m', 'alive', '-q', '1', '-D', 'publish', 'message-expiry-interval', '300'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1600));
    const again = sub('mq-late', ['-t', 'app/late', '-q', '1', '-c', '-x', '300', '-W', '3']);
    await again.exited;
    expect(messages(again).map((m) => m[1])).toEqual(['alive']);
  });

  it('splits a shared subscription between two mosquitto_sub members', async () => {
    const one = sub('mq-share1', ['-t', '$share/g/app/jobs', '-q', '1', '-W', '6']);
    const two = sub('mq-share2', ['-t', '$share/g/app/jobs', '-q', '1', '-W', '6']);
    await Promise.all([subscribed(one), subscribed(two)]);
    for (let i = 0; i < 6; i++) expect((await pub('mq-pub', ['-t', 'app/jobs', '-m', `job-${i}`, '-q', '1'])).code).toBe(0);
    await vi.waitFor(() => expect(messages(one).length + messages(two).length).toBe(6), { timeout: 5000 });
    expect(messages(one)).toHaveLength(3);
    expect(messages(two)).toHaveLength(3);
  });

  it('gets PUBACK reason 0x87 (135) for a denied publish, counted as an authorization failure', async () => {
    const before = fx.datapoints.cloudOf('aws:num-authorization-failures', 'mq-pub').length;
    const denied = await pub('mq-pub', ['-t', 'forbidden/x', '-m', 'no', '-q', '1']);
    expect(denied.lines.join('\n')).toMatch(/PUBACK.*(rc:135|reason code 135|Not authorized)/i);
    expect(fx.datapoints.cloudOf('aws:num-authorization-failures', 'mq-pub')).toHaveLength(before + 1);
  });
});
