import { Writable } from 'node:stream';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { validateVigilConfig } from '../../src/app/index.js';
import type { Clock } from '../../src/core/index.js';
import { createIngress, recordingDatapointSink, type Ingress, type RecordingDatapointSink } from '../../src/ingress/index.js';
import type { DatapointSink, DeviceAuth, MqttMessage, RulesSink } from '../../src/model/index.js';
import type { MetricReport } from '../../src/protocol/index.js';
import { createRegistry, type Registry } from '../../src/registry/index.js';
import { connectionHistoryRepository, ensureDataDir, migrateRegistry, openSqliteRegistry, type RegistryDb, registryRepositories } from '../../src/store/index.js';
import { Telemetry, createLogger } from '../../src/telemetry/index.js';
import { systemTimer } from '../../src/core/index.js';
import { tempDir } from '../support/temp.js';

export interface Device {
  readonly thingName: string;
  readonly certificateId: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A real broker over a real registry (SQLite in a temp dir), with recording datapoint and rules sinks. */
export interface IngressFixture {
  readonly ingress: Ingress;
  readonly registry: Registry;
  readonly db: RegistryDb;
  readonly datapoints: RecordingDatapointSink<MetricReport>;
  /** Everything handed to the rules sink. */
  readonly ruled: MqttMessage[];
  readonly telemetry: Telemetry;
  readonly url: string;
  readonly caPem: string;
  /** A thing with an ACTIVE certificate from the built-in CA and the reference-pipeline policy. */
  device(thingName: string, options?: { policy?: string }): Promise<Device>;
  connect(device: Pick<Device, 'certPem' | 'keyPem'>, clientId: string, options?: IClientOptions): Promise<MqttClient>;
  close(): Promise<void>;
}

export async function startIngressFixture(options: { clock?: Clock; mqtt?: Record<string, unknown>; logLevel?: string; datapoints?: DatapointSink<MetricReport>; rules?: RulesSink; deviceAuth?: (auth: DeviceAuth) => DeviceAuth } = {}): Promise<IngressFixture> {
  const dir = tempDir('vigil-ingress-');
  const loaded = validateVigilConfig({ data_dir: dir.path, mqtt: { listen: '127.0.0.1:0', ...options.mqtt } });
  const { config } = loaded;
  const clock = options.clock ?? { now: () => Date.now() };
  const layout = ensureDataDir(dir.path);
  const db = openSqliteRegistry(layout.registryPath);
  const migrated = await migrateRegistry(db);
  if (!migrated.ok) throw migrated.error;
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const telemetry = new Telemetry(createLogger({ level: (options.logLevel ?? 'warn') as 'warn', format: 'json', destination: sink }));
  const registry = await createRegistry({
    stores: registryRepositories(db),
    config: config.registry,
    secretsDir: layout.secretsDir,
    clock,
    telemetry: telemetry.child('registry'),
    region: config.region,
    accountId: config.account_id,
  });
  const datapoints = recordingDatapointSink<MetricReport>();
  const ruled: MqttMessage[] = [];
  const rules: RulesSink = options.rules ?? {
    async onMessage(message) {
      ruled.push(message);
    },
    async onBasicIngest(_rule, message) {
      ruled.push(message);
    },
  };
  const ingress = createIngress({ config: config.mqtt, deviceAuth: options.deviceAuth?.(registry.deviceAuth) ?? registry.deviceAuth, server: registry.server, rules, datapoints: options.datapoints ?? datapoints, history: connectionHistoryRepository(db), clock, timer: systemTimer, telemetry: telemetry.child('ingress') });
  await ingress.start();
  const clients: MqttClient[] = [];

  return {
    ingress,
    registry,
    db,
    datapoints,
    ruled,
    telemetry,
    url: ingress.endpoint().url,
    caPem: registry.server.caPem,
    async device(thingName, deviceOptions = {}) {
      await registry.things.createThing({ thingName });
      const issued = await registry.certificates.createKeysAndCertificate(true, thingName);
      const arn = registry.arns.cert(issued.certificate.certificateId);
      await registry.certificates.attachThingPrincipal(thingName, arn, undefined);
      await registry.policies.attachPolicy(deviceOptions.policy ?? registry.defaultPolicyName, arn);
      return { thingName, certificateId: issued.certificate.certificateId, certPem: issued.certificate.certificatePem, keyPem: issued.privateKeyPem };
    },
    async connect(device, clientId, connectOptions = {}) {
      const client = mqtt.connect(ingress.endpoint().url, {
        clientId,
        protocolVersion: 4,
        key: device.keyPem,
        cert: device.certPem,
        ca: registry.server.caPem,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...connectOptions,
      });
      clients.push(client);
      await connected(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await ingress.stop();
      await db.close();
      dir.remove();
    },
  };
}

/** Resolves with the next message on `topic` (subscribe first). */
export function nextMessage(client: MqttClient, predicate: (topic: string) => boolean, timeoutMs = 5000): Promise<{ topic: string; payload: Buffer }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error('no message arrived'));
    }, timeoutMs);
    function onMessage(topic: string, payload: Buffer): void {
      if (!predicate(topic)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ topic, payload });
    }
    client.on('message', onMessage);
  });
}

/** Resolves when the client's connection closes. */
export function closed(client: MqttClient, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('connection did not close')), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves on CONNACK 0; rejects on a refusal, a TLS failure or a close before CONNACK. */
export function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}
