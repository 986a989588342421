import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, systemTimer } from '../../src/core/index.js';
import type { Sink, SinkKind, SinkRecord } from '../../src/stream/index.js';
import { validateConfig } from '../../src/config/index.js';

/** A real destination for one sink: started per test, with a way to read what it holds and to break it. */
export interface SinkHarness {
  readonly name: string;
  readonly kind: SinkKind;
  /** Starts the destination; returns the sink config pointing at it. */
  start(): Promise<Record<string, unknown>>;
  /** The ids (`event.id` of `{"event":{"id":N}}` records) the destination holds now. */
  receivedIds(): Promise<number[]>;
  /** Makes the destination unreachable / unwritable. */
  breakDestination(): Promise<void>;
  stop(): Promise<void>;
}

export function record(id: number): SinkRecord {
  return { id: String(id), data: Buffer.from(`${JSON.stringify({ event: { id, pad: 'x'.repeat(150) } })}\n`), arrival: Date.now() };
}

/** The behaviour every sink must share; run with a harness per sink (see sinks.test.ts). */
export function sinkConformance(harness: SinkHarness): void {
  describe(`sink conformance: ${harness.name}`, () => {
    let sink: Sink | undefined;
    afterEach(async () => {
      await sink?.stop();
      sink = undefined;
      await harness.stop();
    });

    async function open(): Promise<Sink> {
      const raw = await harness.start();
      const checked = validateConfig(harness.kind.schema, raw);
      if (!checked.ok) throw checked.error;
      sink = harness.kind.create(checked.value.config as Record<string, unknown>, { stream: 'conformance', streamArn: 'arn:aws:firehose:local:000000000000:deliverystream/conformance', version: 1, clock: systemClock, timer: systemTimer });
      return sink;
    }

    it('passes its start-up probe against a healthy destination', async () => {
      const probe = await (await open()).probe();
      expect(probe).toMatchObject({ ok: true });
    });

    it('delivers a batch so that the destination holds every record exactly once, in order', async () => {
      const s = await open();
      const outcome = await s.deliver([1, 2, 3, 4, 5].map(record), new AbortController().signal);
      expect(outcome).toMatchObject({ ok: true });
      expect(await harness.receivedIds()).toEqual([1, 2, 3, 4, 5]);
    });

    it('delivers maxInFlight batches at once, each acknowledged', async () => {
      const s = await open();
      const batches = Array.from({ length: Math.min(4, s.maxInFlight) }, (_, b) => Array.from({ length: 10 }, (_, i) => record(b * 100 + i)));
      const outcomes = await Promise.all(batches.map((batch) => s.deliver(batch, new AbortController().signal)));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect((await harness.receivedIds()).sort((a, b) => a - b)).toEqual(batches.flat().map((r) => Number(r.id)).sort((a, b) => a - b));
    });

    it('reports a broken destination as a retryable failure with an error code, never as success', async () => {
      const s = await open();
      await harness.breakDestination();
      const outcome = await s.deliver([record(7)], new AbortController().signal);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.retryable).toBe(true);
        expect(outcome.errorCode).toMatch(/^[A-Za-z]+\.[A-Za-z]+$/);
      }
    });

    it('returns promptly with a failure when its delivery is aborted', async () => {
      const s = await open();
      const controller = new AbortController();
      controller.abort();
      const outcome = await s.deliver([record(9)], controller.signal);
      // A sink that finished before noticing the abort may report success; it must not hang or throw.
      expect(typeof outcome.ok).toBe('boolean');
    });

    it('names its backup folder and failed-record id fields as Firehose does', () => {
      expect(['splunk-failed', 'http-endpoint-failed', 'file-failed']).toContain(harness.kind.errorOutputType);
      const ids = harness.kind.failedIds('42');
      expect(ids.EventId ?? ids.dataId).toBeDefined();
    });
  });
}
