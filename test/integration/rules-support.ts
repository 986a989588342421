import { ok, err, VigilError, FakeTime, type Result } from '../../src/core/index.js';
import type { MqttPublisher, StreamPutter } from '../../src/model/index.js';
import { NotifyEngine, notifyConfigSchema, type NotifyConfig } from '../../src/notify/index.js';
import { RulesEngine } from '../../src/rules/index.js';
import { migrateRegistry, notifyRepository, openSqliteRegistry, topicRuleRepository, type RegistryDb } from '../../src/store/index.js';
import { Telemetry, createLogger } from '../../src/telemetry/index.js';
import { Value } from 'typebox/value';
import { tempDir } from '../support/temp.js';

/** A StreamPutter that keeps every record it acknowledged (copies), per stream; optional failures by stream name. */
export class RecordingPutter implements StreamPutter {
  readonly records = new Map<string, Uint8Array[]>();
  readonly calls: Array<{ stream: string; count: number }> = [];
  failing = new Map<string, VigilError>();
  private next = 0;

  async put(streamName: string, records: readonly Uint8Array[]): Promise<Result<readonly string[]>> {
    const failure = this.failing.get(streamName);
    if (failure !== undefined) return err(failure);
    const list = this.records.get(streamName) ?? [];
    list.push(...records.map((r) => Uint8Array.from(r)));
    this.records.set(streamName, list);
    this.calls.push({ stream: streamName, count: records.length });
    return ok(records.map(() => `record-${++this.next}`));
  }

  texts(streamName: string): string[] {
    return (this.records.get(streamName) ?? []).map((r) => new TextDecoder().decode(r));
  }
}

/** An MQTT publisher that records publishes and optionally loops them back into a rules engine. */
export class RecordingPublisher implements MqttPublisher {
  readonly published: Array<{ topic: string; payload: string; qos: number }> = [];
  loopback: RulesEngine | undefined;

  async publish(topic: string, payload: Uint8Array, options: { qos: 0 | 1 }): Promise<Result<void>> {
    this.published.push({ topic, payload: new TextDecoder().decode(payload), qos: options.qos });
    if (this.loopback !== undefined) void this.loopback.onMessage({ topic, payload, receivedAt: 0 });
    return ok(undefined);
  }
}

export interface Harness {
  readonly registry: RegistryDb;
  readonly putter: RecordingPutter;
  readonly publisher: RecordingPublisher;
  readonly notify: NotifyEngine;
  readonly rules: RulesEngine;
  readonly time: FakeTime;
  readonly telemetry: Telemetry;
  close(): Promise<void>;
}

/** Real engines over a real SQLite registry in a temp dir; fake time; recording stream and MQTT ports. */
export async function startHarness(notifyOverrides: Record<string, unknown> = {}): Promise<Harness> {
  const dir = tempDir('vigil-rules-');
  const registry = openSqliteRegistry(`${dir.path}/registry.sqlite`);
  const migrated = await migrateRegistry(registry);
  if (!migrated.ok) throw migrated.error;
  const time = new FakeTime(Date.UTC(2026, 0, 1));
  const telemetry = new Telemetry(createLogger({ level: 'silent', format: 'json' }));
  const putter = new RecordingPutter();
  const publisher = new RecordingPublisher();
  let ids = 0;
  const uuid = (): string => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
  const config = Value.Default(notifyConfigSchema, structuredClone(notifyOverrides)) as NotifyConfig;
  const notify = new NotifyEngine({ store: notifyRepository(registry), putter, publisher, clock: time, timer: time, telemetry, config, region: 'local', accountId: '000000000000', uuid, random: () => 0.5 });
  const rules = new RulesEngine({ store: topicRuleRepository(registry), ports: { putter, publisher, notifier: notify }, clock: time, telemetry, region: 'local', accountId: '000000000000', uuid });
  await notify.start();
  await rules.start();
  return {
    registry,
    putter,
    publisher,
    notify,
    rules,
    time,
    telemetry,
    async close() {
      await rules.stop();
      await notify.stop();
      await registry.close();
      dir.remove();
    },
  };
}

export const ROLE = 'arn:aws:iam::000000000000:role/vigil';
export const encode = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
