import { join } from 'node:path';
import { FakeTime, VigilError, err, ok, type Result } from '../../src/core/index.js';
import { createDetect, type Detect, type DetectConfig, type RecordedEvent } from '../../src/detect/index.js';
import type { Notifier, RegistryChange, RegistryEvents, ThingDirectory } from '../../src/model/index.js';
import { detectMetricHistory, detectMitigationRepository, detectProfileRepository, detectViolationRepository, migrateDuckDb, migrateRegistry, openDuckDb, openSqliteRegistry, type RegistryDb } from '../../src/store/index.js';
import { Telemetry, createLogger } from '../../src/telemetry/index.js';
import { tempDir } from '../support/temp.js';

export const T0 = Date.UTC(2026, 0, 1);

/** An in-memory thing directory (registered things and nested groups) standing in for the registry. */
export class MemoryDirectory implements ThingDirectory, RegistryEvents {
  private readonly listeners: Array<(change: RegistryChange) => void> = [];
  subscribe(listener: (change: RegistryChange) => void): () => void {
    this.listeners.push(listener);
    return () => void this.listeners.splice(this.listeners.indexOf(listener), 1);
  }
  removeMember(groupName: string, thingName: string): void {
    this.members.get(groupName)?.delete(thingName);
    for (const l of this.listeners) l({ kind: 'membership', groupName, thingName });
  }
  readonly members = new Map<string, Set<string>>();
  readonly parents = new Map<string, string | undefined>();
  readonly registered = new Set<string>();
  async groupsOf(thingName: string): Promise<readonly string[] | undefined> {
    if (!this.registered.has(thingName)) return undefined;
    const out = new Set<string>();
    for (const [group, things] of this.members) {
      if (!things.has(thingName)) continue;
      let g: string | undefined = group;
      while (g !== undefined && !out.has(g)) {
        out.add(g);
        g = this.parents.get(g);
      }
    }
    return [...out];
  }
  async addThingToGroup(groupName: string, thingName: string): Promise<Result<void>> {
    if (!(await this.groupExists(groupName))) return err(new VigilError('thing_group.not_found', `no thing group named ${groupName}`));
    this.members.get(groupName)?.add(thingName);
    for (const l of this.listeners) l({ kind: 'membership', groupName, thingName });
    return ok(undefined);
  }
  async groupExists(groupName: string): Promise<boolean> {
    return this.parents.has(groupName);
  }
  async descendantsOf(groupName: string): Promise<readonly string[]> {
    const out: string[] = [];
    for (const [g, parent] of this.parents) if (parent === groupName) out.push(g, ...(await this.descendantsOf(g)));
    return out;
  }
  group(name: string, parent?: string): void {
    this.parents.set(name, parent);
    if (!this.members.has(name)) this.members.set(name, new Set());
  }
}

export const DEFAULT_CONFIG: DetectConfig = { export_interval_secs: 60, max_export_payload_bytes: 131_072, invalidate_after_secs: 172_800, history_days: 14, tick_interval_secs: 10 };

export interface Harness {
  readonly time: FakeTime;
  readonly detect: Detect;
  readonly directory: MemoryDirectory;
  readonly events: RecordedEvent[];
  readonly alerts: Array<{ topic: string; message: Record<string, unknown> }>;
  readonly registry: RegistryDb;
  /** Stops Detect and closes the stores, keeping the directory (a restart reopens it). Idempotent. */
  shutdown(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real Detect on a temp SQLite registry with fake time, an in-memory directory and a recording
 * notifier; with `history`, retained values go to a real DuckDB datapoint store in the same directory.
 */
export async function openHarness(config: Partial<DetectConfig> = {}, existing?: { dir: string; time: FakeTime; directory: MemoryDirectory }, options: { history?: boolean } = {}): Promise<Harness & { dir: string }> {
  const made = existing === undefined ? tempDir('vigil-detect-') : undefined;
  const dir = existing?.dir ?? (made as { path: string }).path;
  const time = existing?.time ?? new FakeTime(T0);
  const registry = openSqliteRegistry(join(dir, 'registry.sqlite'));
  const migrated = await migrateRegistry(registry);
  if (!migrated.ok) throw migrated.error;
  const directory = existing?.directory ?? new MemoryDirectory();
  const alerts: Harness['alerts'] = [];
  const notifier: Notifier = {
    async publish(topic, message) {
      alerts.push({ topic, message: JSON.parse(message) as Record<string, unknown> });
      return ok(String(alerts.length));
    },
  };
  const telemetry = new Telemetry(createLogger({ level: 'error', format: 'json', destination: { write: () => undefined } }));
  let history: Awaited<ReturnType<typeof detectMetricHistory>> | undefined;
  let events: { close(): Promise<void> } | undefined;
  if (options.history === true) {
    const opened = await openDuckDb(join(dir, 'events.duckdb'));
    if (!opened.ok) throw opened.error;
    const duck = opened.value;
    const migratedDuck = await migrateDuckDb(duck);
    if (!migratedDuck.ok) throw migratedDuck.error;
    history = await detectMetricHistory(duck);
    events = duck;
  }
  const detect = createDetect({
    stores: { profiles: detectProfileRepository(registry), violations: detectViolationRepository(registry), mitigation: detectMitigationRepository(registry), history },
    directory,
    registryEvents: directory,
    notifier,
    clock: time,
    timer: time,
    telemetry,
    config: { ...DEFAULT_CONFIG, ...config },
    region: 'local',
    accountId: '000000000000',
  });
  await detect.start();
  let down: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (down ??= (async () => {
      await detect.stop();
      history?.close();
      await events?.close();
      await registry.close();
    })());
  const recorded: RecordedEvent[] = [];
  detect.recorder.onEvent((e) => recorded.push(e));
  return {
    dir,
    time,
    detect,
    directory,
    events: recorded,
    alerts,
    registry,
    shutdown,
    async close() {
      await shutdown();
      made?.remove();
    },
  };
}
