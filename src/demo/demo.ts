import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { VigilClient, auditClient, respondClient, type PlaybookBody } from '../api/index.js';
import { parse } from 'yaml';
import { packageFile, systemClock, systemTimer } from '../core/index.js';
import type { Simulator } from '../sim/index.js';
import { validateVigilConfig, type LoadedVigilConfig, type RunningVigil } from '../app/index.js';
import { applyContext, applyResources, parseResources, type Plan } from '../resources/index.js';
import { resourceVars } from './demo-vars.js';
import { startSimulation } from './demo-simulation.js';
import { renderDemoInfo, type DemoInfo } from './demo-info.js';

/** The seed deployment as resources; `vigil up --demo` applies it. */
export const REFERENCE_RESOURCES = packageFile('examples', 'reference-pipeline', 'resources.yaml');

export const DEMO_DEFAULTS = { devices: 20, speed: 30, scenario: 'ftp-port-21' } as const;

const REPORT_INTERVAL_SECS = 300;

export interface DemoOptions {
  readonly devices?: number;
  readonly speed?: number;
  readonly scenario?: string;
  /** Where the demo's "new listening port" alert POSTs its result rows (besides its history). */
  readonly alertWebhook?: string;
}

/** Playbooks the demo installs (disabled) unless one of that name exists: `vigil playbook enable NAME` turns one on. */
export const BUNDLED_PLAYBOOKS = ['new-listening-port-quarantine', 'authorization-failure-burst', 'revoked-certificate-still-active'].map((name) => packageFile('examples', 'playbooks', `${name}.yaml`));

/** The bundled detection the demo enables: it fires once when the target starts listening on 21. */
export const DEMO_ALERT = 'iot-new-listening-port';

/**
 * The config `vigil up --demo` runs with: the broker's minimum report interval lowered to half the
 * simulated devices' real interval (300 s / speed), and the detect export interval (when that engine
 * is part of the build) to about one report interval, so the pipeline moves at the demo's pace.
 */
export function demoConfig(loaded: LoadedVigilConfig, speed: number): LoadedVigilConfig {
  const raw = structuredClone(loaded.config) as unknown as Record<string, Record<string, unknown>>;
  const realIntervalSecs = REPORT_INTERVAL_SECS / speed;
  const mqtt = raw['mqtt'];
  const reports = mqtt?.['reports'] as Record<string, unknown> | undefined;
  if (reports !== undefined) reports['min_report_interval_secs'] = realIntervalSecs / 2;
  const detect = raw['detect'];
  if (detect !== undefined && 'export_interval_secs' in detect) detect['export_interval_secs'] = Math.max(1, Math.round(realIntervalSecs));
  const validated = validateVigilConfig({ ...raw, data_dir: loaded.dataDir });
  return { ...validated, path: loaded.path };
}

export interface RunningDemo {
  readonly simulator: Simulator;
  readonly plan: Plan;
  /** Audit task started once at demo start (undefined when the audit engine is not part of the build). */
  readonly auditTaskId: string | undefined;
  readonly index: string;
  readonly sourcetype: string;
  /** The saved search enabled as an alert (undefined when the build has no SIEM alerts). */
  readonly alert: string | undefined;
  stop(): Promise<void>;
}

/** Applies the reference resources to a running Vigil, starts the simulated fleet in-process, and runs one audit once its devices are connected. */
export async function startDemo(running: RunningVigil, loaded: LoadedVigilConfig, options: DemoOptions = {}): Promise<RunningDemo> {
  const token = readFileSync(running.adminTokenPath, 'utf8').trim();
  const client = new VigilClient({ baseUrl: running.endpoints['api'] as string, token, tls: { ca: [running.registry.server.caPem] } });
  const vars = resourceVars(loaded.config, loaded.dataDir, running.endpoints['hec'] === undefined ? {} : { hec_url: running.endpoints['hec'] });
  const document = parseResources(readFileSync(REFERENCE_RESOURCES, 'utf8'), REFERENCE_RESOURCES, { vars });
  const plan = await applyResources(applyContext(client, vars), document, {
    skipUnavailable: true,
    onStep: (entry) => running.telemetry.emit('resources_applied', { kind: entry.kind.key, action: entry.action }, { name: entry.name }),
  });
  await installPlaybooks(client);
  const endpoint = running.endpoints['mqtt'] ?? running.endpoints['mqtts'];
  if (endpoint === undefined) throw new Error('the demo needs the MQTT broker (ingress), which this build does not start');
  const simulator = await startSimulation({
    client,
    endpoint,
    devices: options.devices ?? DEMO_DEFAULTS.devices,
    scenario: options.scenario ?? DEMO_DEFAULTS.scenario,
    speed: options.speed ?? DEMO_DEFAULTS.speed,
    certsDir: join(loaded.dataDir, 'sim', 'certs'),
    policyName: 'DeviceDefenderAgentPolicy',
    thingGroup: 'DeviceDefenderFleet',
    clock: systemClock,
    timer: systemTimer,
    telemetry: running.telemetry.child('sim'),
    // So the posture dashboard's authorization-failure panel has something to show.
    misconfiguredDevice: true,
  });
  // After the fleet is provisioned and connected, so the certificate and connection checks have
  // devices to look at; the daily schedule from the resources file runs it again.
  const auditTaskId = await startAudit(client);
  const alert = await enableDemoAlert(running, options.alertWebhook);
  return { simulator, plan, auditTaskId, index: 'aws_hfb', sourcetype: 'aws-iot-device-defender', alert, stop: () => simulator.stop() };
}

/**
 * Enables the bundled "new listening port" detection every minute (its per-result trigger and its
 * 24 h throttle per thing and port stay), with a webhook action when one was given.
 */
async function enableDemoAlert(running: RunningVigil, webhook: string | undefined): Promise<string | undefined> {
  const bundled = await running.alerts.get(DEMO_ALERT).catch(() => undefined);
  if (bundled === undefined) return undefined;
  await running.alerts.update(DEMO_ALERT, { enabled: true, cron: '* * * * *', alert: { actions: webhook === undefined ? [] : [{ type: 'webhook', url: webhook }] } });
  return DEMO_ALERT;
}

async function installPlaybooks(client: VigilClient): Promise<void> {
  const respond = respondClient(client);
  const existing = new Set((await respond.list()).playbooks.map((p) => p.name));
  for (const file of BUNDLED_PLAYBOOKS) {
    const document = parse(readFileSync(file, 'utf8')) as PlaybookBody;
    if (document.name !== undefined && !existing.has(document.name)) await respond.create({ ...document, enabled: false });
  }
}

async function startAudit(client: VigilClient): Promise<string | undefined> {
  try {
    const audit = auditClient(client);
    const configuration = await audit.configuration();
    const checks = Object.entries(configuration.auditCheckConfigurations).filter(([, c]) => c.enabled).map(([name]) => name);
    return (await audit.start(checks)).taskId;
  } catch {
    // No enabled check (the resources file configured none): the demo goes on without an audit.
    return undefined;
  }
}

export function demoInfo(running: RunningVigil, demo: RunningDemo, hecTokenPath: string): DemoInfo {
  return {
    endpoints: running.endpoints,
    adminTokenPath: running.adminTokenPath,
    hecTokenPath,
    certsDir: join(running.layout.root, 'sim', 'certs'),
    devices: demo.simulator.stats().devices,
    target: demo.simulator.target,
    ...(demo.simulator.misconfigured === undefined ? {} : { misconfigured: demo.simulator.misconfigured }),
    skippedKinds: demo.plan.skippedKinds,
    ...(demo.auditTaskId === undefined ? {} : { auditTaskId: demo.auditTaskId }),
    ...(demo.alert === undefined ? {} : { alert: demo.alert }),
    index: demo.index,
    sourcetype: demo.sourcetype,
    ...(running.tls.api === undefined ? {} : { fingerprint: running.tls.api }),
  };
}

/** What `vigil up --demo` prints once everything runs. */
export function demoSummary(running: RunningVigil, demo: RunningDemo, hecTokenPath: string): string {
  return renderDemoInfo(demoInfo(running, demo, hecTokenPath), running.sessions.createTicket());
}
