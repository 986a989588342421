import { hostname } from 'node:os';
import { rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VigilError, newSecret, packageVersion, systemClock, systemTimer, type Clock, type Timer } from '../core/index.js';
import type { Component, Endpoint } from '../model/index.js';
import { createApiServer, createSessionStore, type SessionStore } from '../api/index.js';
import {
  accessKeyRepository,
  dashboardRepository,
  duckdbMemoryBytes,
  ensureDataDir,
  migrateDuckDb,
  migrateRegistry,
  openDuckDb,
  openSqliteRegistry,
  readOrCreateSecret,
  type DataDir,
  type EventsDb,
  type RegistryDb,
} from '../store/index.js';
import { RotatingFile, Telemetry, createLogger, startProcessMetrics } from '../telemetry/index.js';
import { eventStoreMemoryLimitMb } from './config-schema.js';
import type { LoadedVigilConfig } from './load.js';
import { wireRegistry } from './wire-registry.js';
import type { Registry } from '../registry/index.js';
import { wireSiem } from './wire-siem.js';
import { wireNotifyRules } from './wire-notify-rules.js';
import { deferredPublisher, wireIngress } from './wire-ingress.js';
import { wireAudit } from './wire-audit.js';
import type { Audit } from '../audit/index.js';
import type { Detect } from '../detect/index.js';
import { wireDetect } from './wire-detect.js';
import { connectionHistoryRepository } from '../store/index.js';
import type { Ingress } from '../ingress/index.js';
import { wireStream } from './wire-stream.js';
import { wireEngineEvents } from './wire-live.js';
import type { AlertEngine, SiemEngine } from '../siem/index.js';
import { wireAlerts } from './wire-alerts.js';
import { wireRespond } from './wire-respond.js';
import type { RespondEngine } from '../respond/index.js';
import { listenerProblem, resolveTls } from './tls.js';
import { backupSource } from './backup.js';
import { clusterBroker, clusterConfigProblem, clusterOutbox, prepareClusterCa, wireCluster } from './wire-cluster.js';

export interface UpOptions {
  readonly loaded: LoadedVigilConfig;
  readonly clock?: Clock;
  /** Log destination override (tests); otherwise stderr. */
  readonly logDestination?: { write(line: string): void };
}

/** A running Vigil: its endpoints, where its secrets are, and how to stop it. */
export interface RunningVigil {
  readonly endpoints: Readonly<Record<string, string>>;
  readonly layout: DataDir;
  readonly adminTokenPath: string;
  /** True when this start created the admin token (first start). */
  readonly adminTokenCreated: boolean;
  readonly telemetry: Telemetry;
  readonly stores: { readonly registry: RegistryDb; readonly events: EventsDb };
  /** Things, certificates, the built-in CA and policies; `deviceAuth` and `server` are the ingress's port. */
  readonly registry: Registry;
  /** The embedded SIEM (HEC tokens, indexes, event store, search). */
  readonly siem: SiemEngine;
  /** SIEM saved searches and alerts (schedule, dispatch, history, bundled detections). */
  readonly alerts: AlertEngine;
  /** The MQTT broker (devices, reserved topics, connection history). */
  readonly ingress: Ingress;
  /** Device Defender audit: configuration, tasks, findings, schedules, suppressions, mitigation. */
  readonly audit: Audit;
  /** Device Defender Detect: profiles, evaluation, violations, export, mitigation. */
  readonly detect: Detect;
  /** Playbooks: triggers, runs, approvals, undo. */
  readonly respond: RespondEngine;
  /** Console sessions: `createTicket()` makes the one-time sign-in link `vigil up --demo` prints. */
  readonly sessions: SessionStore;
  /** SHA-256 fingerprints of the API's and HEC's TLS certificates, for the listeners that speak HTTPS. */
  readonly tls: { readonly api?: string; readonly hec?: string };
  /** Stops accepting, drains in-flight work, closes stores; idempotent. */
  stop(): Promise<void>;
}

/** `vigil up`: opens the stores, starts every component, writes run/endpoints.json. */
export async function startVigil(options: UpOptions): Promise<RunningVigil> {
  const { config, dataDir } = options.loaded;
  const refused = listenerProblem(config) ?? clusterConfigProblem(config);
  if (refused !== undefined) throw refused;
  const clock = options.clock ?? systemClock;
  const layout = ensureDataDir(dataDir);
  const logFile = config.log.file.path === '' ? undefined : new RotatingFile({ path: resolve(layout.root, config.log.file.path), maxBytes: config.log.file.max_bytes, maxFiles: config.log.file.max_files });
  const log = createLogger({ level: config.log.level, format: config.log.format, ...(options.logDestination === undefined ? {} : { destination: options.logDestination }), ...(logFile === undefined ? {} : { file: logFile }) });
  const telemetry = new Telemetry(log);
  telemetry.emit('config_loaded', {}, { path: options.loaded.path ?? '(defaults)', dataDir: layout.root });
  const eventsMemory = eventStoreMemoryLimitMb(config);
  if (eventsMemory.deprecatedKey !== undefined) {
    telemetry.emit('config_deprecated', { key: eventsMemory.deprecatedKey }, { replacedBy: 'store.duckdb_memory_limit_mb', memoryLimitMb: eventsMemory.mb });
  }

  const adminToken = readOrCreateSecret(layout, 'admin-token', () => newSecret(32));
  if (adminToken.created) telemetry.emit('secret_created', { name: 'admin-token' }, { path: adminToken.path });
  const metricsToken = config.api.metrics.token ? readOrCreateSecret(layout, 'metrics-token', () => newSecret(32)) : undefined;
  if (metricsToken?.created === true) telemetry.emit('secret_created', { name: 'metrics-token' }, { path: metricsToken.path });

  const processMetrics = startProcessMetrics(packageVersion());
  telemetry.addCollector(() => processMetrics.render());
  const cleanups: Array<() => Promise<void>> = [async () => logFile?.close(), async () => processMetrics.stop()];
  const components: Component[] = [];
  try {
    // The PostgreSQL driver is loaded only when the registry lives there.
    const registry = config.store.registry.type === 'postgres'
      ? await (await import('./lazy-postgres.js')).openPostgresRegistry(config.store.registry.url, { maxConnections: config.store.registry.max_connections })
      : openSqliteRegistry(layout.registryPath);
    cleanups.push(() => registry.close());
    const migrated = await migrateRegistry(registry);
    if (!migrated.ok) throw migrated.error;
    for (const name of migrated.value) telemetry.emit('store_migrated', { store: 'registry' }, { migration: name });
    const configDir = options.loaded.path === undefined ? process.cwd() : dirname(options.loaded.path);
    await prepareClusterCa({ config, configDir, registry, layout, clock, telemetry });

    // Opening DuckDB and making the CA's keys both wait on worker threads: done side by side.
    const [eventsOpened, registryWired] = await Promise.allSettled([
      openDuckDb(layout.eventsPath, { threads: config.store.duckdb_threads, memoryLimitMb: eventsMemory.mb }),
      wireRegistry({ config, registry, layout, clock, telemetry }),
    ]);
    if (eventsOpened.status === 'fulfilled' && eventsOpened.value.ok) {
      const opened = eventsOpened.value.value;
      cleanups.push(() => opened.close());
    }
    if (eventsOpened.status === 'rejected') throw eventsOpened.reason;
    if (!eventsOpened.value.ok) throw eventsOpened.value.error;
    if (registryWired.status === 'rejected') throw registryWired.reason;
    const events = eventsOpened.value.value;
    const registryEngine = registryWired.value;
    const duckMigrated = await migrateDuckDb(events);
    if (!duckMigrated.ok) throw duckMigrated.error;
    for (const name of duckMigrated.value) telemetry.emit('store_migrated', { store: 'events' }, { migration: name });
    cleanups.push(await sampleDuckDbMemory(events, systemTimer, telemetry));

    const apiTls = resolveTls('api', config.api.tls, registryEngine.server, configDir);
    const hecTls = resolveTls('hec', config.hec.tls, registryEngine.server, configDir);
    // Registry changes from other nodes must reach the broker from its first connection on.
    let ingressRef: Ingress | undefined;
    const cluster = wireCluster({
      config,
      registry: registryEngine,
      describe: () => ({ endpoints: ingressEndpoint(ingressRef), connections: ingressRef?.connections().length ?? 0 }),
      clock,
      timer: systemTimer,
      telemetry,
    });
    const clusterLink = await cluster.start();
    cleanups.push(() => cluster.stop());
    const siem = await wireSiem({ config, registry, events, layout, clock, timer: systemTimer, telemetry, ...(hecTls === undefined ? {} : { tls: hecTls.credentials }) });
    const stream = await wireStream({ config, layout, registry, clock, timer: systemTimer, telemetry, clusterOutbox: clusterOutbox(config, clusterLink, clock, systemTimer, telemetry) });
    cleanups.push(stream.close);
    components.push(stream.engine);
    // A stream created, updated or deleted through any node runs on every node.
    clusterLink?.relayDefinitions('streams', stream.engine);
    const mqtt = deferredPublisher();
    const notifyRules = wireNotifyRules({ config, registry, clock, timer: systemTimer, telemetry, putter: stream.engine, publisher: mqtt.publisher });
    components.push(...notifyRules.components);
    const partitions = cluster.detect();
    const detect = await wireDetect({ config, layout, registry, events, registryEngine, notifier: notifyRules.notify, publisher: mqtt.publisher, clock, timer: systemTimer, telemetry, partitions });
    cleanups.push(detect.close);
    components.push(detect.detect);
    // Cluster mode: datapoints go to the node that owns their thing (docs/cluster.md).
    if (partitions !== undefined) components.push({ name: 'detect-partitions', start: () => partitions.start(detect.detect.engine), stop: () => partitions.stop() });
    // Topic rules and security profiles changed through any node take effect on every node.
    clusterLink?.relayDefinitions('rules', notifyRules.rules);
    clusterLink?.relayDefinitions('profiles', detect.detect);
    const ingress = wireIngress({ config, registry, registryEngine, rules: notifyRules.rules, clock, timer: systemTimer, telemetry, datapoints: partitions ?? detect.detect.engine });
    mqtt.bind(ingress.publisher);
    components.push(ingress);
    ingressRef = ingress;
    cleanups.push(await clusterBroker(config, clusterLink, ingress.clustered, clock, systemTimer, telemetry));
    const audit = wireAudit({ config, registry, engine: registryEngine, notifier: notifyRules.notify, connections: connectionHistoryRepository(registry), clock, timer: systemTimer, telemetry });
    components.push(...audit.components);
    // The alert engine tells playbooks of its firings; the playbook engine is built after it.
    let alertFired: (search: string, rows: ReadonlyArray<Readonly<Record<string, string | readonly string[]>>>) => void = () => undefined;
    const alerts = wireAlerts({ registry, siem: siem.engine, notifier: notifyRules.notify, clock, timer: systemTimer, telemetry, onFired: (search, rows) => alertFired(search, rows) });
    const webhookSecret = readOrCreateSecret(layout, 'respond-webhook-secret', () => newSecret(32));
    if (webhookSecret.created) telemetry.emit('secret_created', { name: 'respond-webhook-secret' }, { path: webhookSecret.path });
    let apiUrl: string | undefined;
    const respond = wireRespond({ registry, engine: registryEngine, ingress, audit, detect: detect.detect, notifier: notifyRules.notify, webhookSecret: webhookSecret.value, consoleUrl: () => apiUrl, clock, timer: systemTimer, telemetry });
    alertFired = respond.alertFired;
    cleanups.push(async () => stopListening());
    const stopListening = respond.listen();
    const sessions = createSessionStore({ clock });
    const api = await createApiServer(config.api, {
      sessions,
      clock,
      telemetry: telemetry.child('api'),
      adminTokens: [adminToken.value],
      ...(metricsToken === undefined ? {} : { metricsTokens: [metricsToken.value] }),
      cluster: cluster.status,
      backup: backupSource({ registry, events, outbox: { snapshot: stream.snapshotOutbox }, layout, streamBackupDir: stream.backupRoot, version: packageVersion(), clock }),
      accessKeys: accessKeyRepository(registry),
      dashboards: dashboardRepository(registry),
      region: config.region,
      accountId: config.account_id,
      notify: notifyRules.notify,
      rules: notifyRules.rules,
      registry: registryEngine,
      siem: siem.engine,
      alerts,
      respond: respond.engine,
      streams: stream.engine,
      audit,
      detect: detect.detect,
      live: wireEngineEvents({ detect: detect.detect, audit, telemetry: telemetry.child('api') }),
      connections: connectionHistoryRepository(registry),
      deviceEndpoint: () => deviceEndpointAddress(config.registry.server_cert_sans, ingress.endpoint().url),
    }, apiTls === undefined ? {} : { tls: apiTls.credentials });
    components.push(api);
    components.push(...siem.components);
    components.push(alerts);
    components.push(respond.engine);

    for (const component of components) await component.start();
    apiUrl = api.endpoint().url;
    const endpoints = endpointMap([api.endpoint(), siem.hec.endpoint(), ingress.endpoint(), ...[ingress.plainEndpoint(), api.metricsEndpoint()].filter((e) => e !== undefined)]);
    writeEndpoints(layout.endpointsPath, endpoints);

    let stopping: Promise<void> | undefined;
    return {
      endpoints,
      layout,
      adminTokenPath: adminToken.path,
      adminTokenCreated: adminToken.created,
      telemetry,
      stores: { registry, events },
      registry: registryEngine,
      siem: siem.engine,
      alerts,
      ingress,
      audit,
      detect: detect.detect,
      respond: respond.engine,
      sessions,
      tls: { ...(apiTls === undefined ? {} : { api: apiTls.fingerprint }), ...(hecTls === undefined ? {} : { hec: hecTls.fingerprint }) },
      stop() {
        stopping ??= (async () => {
          rmSync(layout.endpointsPath, { force: true });
          for (const component of [...components].reverse()) await component.stop();
          for (const cleanup of cleanups.reverse()) await cleanup();
        })();
        return stopping;
      },
    };
  } catch (error) {
    for (const component of components.reverse()) await component.stop().catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw error instanceof VigilError ? error : new VigilError('internal.start_failed', `vigil up failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The broker's address once it listens (the cluster announces it). */
function ingressEndpoint(ingress: Ingress | undefined): Record<string, string> {
  try {
    return ingress === undefined ? {} : { mqtt: ingress.endpoint().url };
  } catch {
    return {};
  }
}

function endpointMap(list: readonly Endpoint[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const endpoint of list) map[endpoint.name] = endpoint.url;
  return map;
}

function writeEndpoints(path: string, endpoints: Readonly<Record<string, string>>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o644 });
  renameSync(temporary, path);
}

/**
 * The address DescribeEndpoint answers: the first extra name of the broker certificate
 * (`registry.server_cert_sans`, the name devices are told to use) or, without one, the listener's
 * own host unless it is a wildcard (then the machine's host name); `:port` unless it is 8883.
 */
export function deviceEndpointAddress(sans: readonly string[], listenerUrl: string): string {
  const url = new URL(listenerUrl);
  const bound = url.hostname.replace(/^\[|\]$/g, '');
  const host = sans[0] ?? (bound === '0.0.0.0' || bound === '::' ? hostname() : bound);
  const port = url.port === '' || url.port === '8883' ? '' : `:${url.port}`;
  return `${host.includes(':') ? `[${host}]` : host}${port}`;
}

/** `vigil_store_duckdb_memory_bytes` every 15 s, on a connection of its own (ingest and searches keep theirs). */
async function sampleDuckDbMemory(events: EventsDb, timer: Timer, telemetry: Telemetry): Promise<() => Promise<void>> {
  const connection = await events.connect();
  const sample = (): void =>
    void duckdbMemoryBytes(connection).then(
      (bytes) => telemetry.setGauge('store_duckdb_memory_bytes', {}, bytes),
      () => undefined,
    );
  sample();
  const handle = timer.setInterval(sample, 15_000);
  return async () => {
    handle.cancel();
    connection.closeSync();
  };
}
