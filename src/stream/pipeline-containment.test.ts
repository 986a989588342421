import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeTime } from '../core/index.js';
import type { StreamDefinition } from '../model/index.js';
import { Telemetry, createLogger } from '../telemetry/index.js';
import { tempDir } from '../../test/support/temp.js';
import { BackupWriter } from './backup.js';
import { SqliteOutbox as Outbox } from '../store/index.js';
import { emptyStats, StreamPipeline } from './pipeline.js';
import { sinkKind, type Sink } from './sinks/index.js';

const dir = tempDir('vigil-pipeline-containment-');
afterAll(() => dir.remove());

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f)).filter((f) => statSync(f).isFile());
}

describe('stream containment: a sink that throws', () => {
  it('sends each thrown-on batch to backup (Vigil.SinkError), counts it, and pauses the stream after pause_after_failures in a row, keeping the rest in the outbox', async () => {
    const time = new FakeTime(Date.UTC(2026, 0, 1));
    const outbox = new Outbox(join(dir.path, 'outbox.sqlite'), 64 * 1024 * 1024, time);
    const telemetry = new Telemetry(createLogger({ level: 'silent', format: 'json' }));
    let calls = 0;
    // A deliberately broken peer: a sink whose deliver() throws instead of reporting a failure.
    const sink: Sink = { maxInFlight: 1, maxRecordBytes: 1_000_000, probe: async () => ({ ok: true, detail: 'ok' }) as never, deliver: async () => { calls++; throw new TypeError('sink bug'); }, stop: async () => undefined };
    const definition = { name: 's', version: 1, createdAt: 0, updatedAt: 0, sink: { type: 'splunk-hec' }, buffering: { sizeBytes: 1, intervalSecs: 0 }, retryDurationSecs: 60, processors: [], backup: { mode: 'FailedEventsOnly', prefix: '', errorOutputPrefix: '' } } as unknown as StreamDefinition;
    const stats = emptyStats();
    const backupRoot = join(dir.path, 'backup');
    const pipeline = new StreamPipeline(definition, sinkKind('splunk-hec') as NonNullable<ReturnType<typeof sinkKind>>, sink, [], new BackupWriter(backupRoot, 's', 1, definition.backup), stats, { outbox, clock: time, timer: time, telemetry, backoff: { initialMs: 1, maxMs: 1, multiplier: 2, jitter: 0 }, streamArn: 'arn', region: 'local', accountId: '000000000000', pauseAfterFailures: 3 });
    outbox.onAppended((_stream, appended) => pipeline.appended(appended));
    pipeline.start();
    for (let i = 0; i < 6; i++) {
      const put = await outbox.append('s', [Buffer.from(JSON.stringify({ event: { i } }))]);
      expect(put.ok).toBe(true);
      for (let k = 0; k < 20 && calls <= i && !pipeline.paused; k++) await new Promise((r) => setTimeout(r, 10));
    }
    for (let k = 0; k < 50 && stats.backedUp['splunk-failed'] !== 3; k++) await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(3);
    expect(pipeline.paused).toBe(true);
    expect(stats.backedUp['splunk-failed']).toBe(3);
    const lines = files(backupRoot).flatMap((f) => readFileSync(f, 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { errorCode: string; errorMessage: string });
    expect(lines.map((l) => l.errorCode)).toEqual(['Vigil.SinkError', 'Vigil.SinkError', 'Vigil.SinkError']);
    expect(lines[0]?.errorMessage).toContain('sink bug');
    // Paused: the other three records wait in the outbox, nothing is lost.
    expect(outbox.stats('s').records).toBe(3);
    expect(telemetry.counter('component_error', { component: 'stream', code: 'stream.batch_failed', stage: 'sink' })).toBe(3);
    expect(telemetry.counter('unit_disabled', { component: 'stream', reason: 'failures' })).toBe(1);
    await pipeline.stop();
    outbox.close();
  });
});
