import type { Clock } from '../core/index.js';
import type { ExportJournal, MqttPublisher } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { ExportBuffer, exportPayloads, type ExportItem } from './export.js';

export interface MetricsExporterOptions {
  readonly journal?: ExportJournal | undefined;
  readonly publisher?: MqttPublisher | undefined;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly maxPayloadBytes: number;
  /** A profile's `metricsExportConfig.mqttTopic` (undefined: the profile exports nothing). */
  readonly topicOf: (profileName: string) => string | undefined;
}

/**
 * Detect's metrics export: the buffer the evaluator fills, the export journal that makes each
 * report's items durable before it is answered, and the exports that publish them and release the
 * journal once their topic rules finished (docs/detect.md, "Export durability").
 */
export class MetricsExporter {
  readonly buffer = new ExportBuffer();
  /** The export running now (exports never overlap: the journal is released in order). */
  private exporting: Promise<void> = Promise.resolve();

  constructor(private readonly o: MetricsExporterOptions) {}

  /** Journals the export items the last datapoint added (none: nothing to wait for). */
  journalFresh(): Promise<void> | undefined {
    const fresh = this.buffer.takeFresh();
    if (fresh.length === 0 || this.o.journal === undefined) return undefined;
    return this.o.journal.append(JSON.stringify(fresh)).then(() => undefined);
  }

  /**
   * Publishes each profile's pending export items to its `metricsExportConfig.mqttTopic`. Exports
   * run one at a time; the journal forgets the reports of an export once its publishes settled (the
   * topic rules' actions done), and a profile whose publish failed keeps its items for the next one.
   */
  exportNow(): Promise<number> {
    const run = this.exporting.then(() => this.exportOnce());
    this.exporting = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async exportOnce(): Promise<number> {
    const now = this.o.clock.now();
    const journaled = this.o.journal?.lastSeq ?? 0;
    const drained = this.buffer.drain(now);
    let published = 0;
    let failed = false;
    for (const [profileName, items] of drained) {
      const topic = this.o.topicOf(profileName);
      if (topic === undefined || items.length === 0 || this.o.publisher === undefined) continue;
      let profileFailed = false;
      for (const payload of exportPayloads(items, this.o.maxPayloadBytes)) {
        const result = await this.o.publisher.publish(topic, Buffer.from(payload), { qos: 1, awaitRules: this.o.journal !== undefined });
        this.o.telemetry.count('detect_export_published', { result: result.ok ? 'ok' : 'error' });
        if (result.ok) published += 1;
        else profileFailed = true;
      }
      if (profileFailed) {
        failed = true;
        for (const item of items) this.buffer.restore(profileName, item);
      }
    }
    if (!failed) this.o.journal?.release(journaled);
    return published;
  }

  /** Puts back what the journal holds from a previous run: it goes out with the next export. */
  replayJournal(): void {
    const journal = this.o.journal;
    if (journal === undefined) return;
    let entries = 0;
    for (const { seq, entry } of journal.leftover()) {
      try {
        for (const [profile, item] of JSON.parse(entry) as Array<[string, ExportItem]>) this.buffer.restore(profile, item);
        entries += 1;
      } catch (error) {
        this.o.telemetry.emit('component_error', { component: 'detect', code: 'detect.store_failed', stage: 'journal' }, { seq, err: error instanceof Error ? error.message : String(error) });
      }
    }
    if (entries > 0) this.o.telemetry.emit('detect_export_replayed', {}, { reports: entries });
  }
}
