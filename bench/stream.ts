/**
 * `npm run bench -- stream`: put → HEC-acknowledged events/s for 200-byte records, through a real
 * in-process Vigil (Firehose PutRecordBatch over HTTP → outbox → pipeline → splunk-hec sink) into a
 * fast local HEC test server, with indexer acknowledgement on and off in the same run.
 */
import { streamClient } from '../src/api/index.js';
import { FaultHec } from '../test/support/fault-hec.js';
import { startTestVigil } from '../test/support/vigil.js';
import { fmt, median, perSecond, type BenchContext, type BenchReport } from './types.js';

const RECORDS = 60_000;
const BATCH = 500;
const CONCURRENT_PUTS = 4;
const TARGET_ACK = 20_000;

function record(id: number): string {
  const base = JSON.stringify({ event: { id, pad: '' } });
  return Buffer.from(JSON.stringify({ event: { id, pad: 'x'.repeat(200 - base.length) } })).toString('base64');
}

export default async function streamBench(ctx: BenchContext): Promise<BenchReport> {
  const vigil = await startTestVigil({ log: { level: 'warn' } });
  const api = vigil.running.endpoints['api'] as string;
  const streams = streamClient(vigil.client);
  const rows: Array<Array<string | number>> = [];
  const rates = new Map<string, number>();
  try {
    for (const ack of [true, false]) {
      const hec = new FaultHec({ useAck: ack });
      await hec.start();
      const name = ack ? 'bench-ack' : 'bench-noack';
      await streams.create({ name, sink: { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ack, ackPollIntervalMs: 20, maxInFlight: 10 }, buffering: { sizeBytes: 1024 * 1024, intervalSecs: 0 }, retryDurationSecs: 60 });
      let nextId = 0;
      const times = await ctx.repeat(3, async () => {
        const before = hec.received.length;
        const start = process.hrtime.bigint();
        const batches = RECORDS / BATCH;
        let issued = 0;
        const worker = async (): Promise<void> => {
          while (issued < batches) {
            issued++;
            const records = Array.from({ length: BATCH }, () => ({ Data: record(nextId++) }));
            const response = await fetch(`${api}/`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Firehose_20150804.PutRecordBatch' }, body: JSON.stringify({ DeliveryStreamName: name, Records: records }) });
            if (!response.ok) throw new Error(`put failed: ${response.status} ${await response.text()}`);
            await response.arrayBuffer();
          }
        };
        await Promise.all(Array.from({ length: CONCURRENT_PUTS }, worker));
        // Delivered = the HEC holds them AND (acks on) the stream saw them acknowledged.
        for (;;) {
          const status = await streams.status(name);
          if (hec.received.length - before >= RECORDS && status.outboxRecords === 0) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        return Number(process.hrtime.bigint() - start) / 1e6;
      }, 1);
      const rate = perSecond(RECORDS, median(times));
      rates.set(name, rate);
      ctx.progress(`${name}: ${fmt(rate)} events/s (runs: ${times.map((t) => fmt(t)).join(', ')} ms)`);
      rows.push([ack ? 'indexer ack on' : 'indexer ack off', fmt(RECORDS), fmt(median(times)), fmt(rate), ack ? (rate >= TARGET_ACK ? 'yes' : 'NO') : '']);
      await streams.delete(name);
      await hec.stop();
    }
  } finally {
    await vigil.stop();
  }
  const on = rates.get('bench-ack') ?? 0;
  const off = rates.get('bench-noack') ?? 1;
  return {
    columns: ['mode', 'records (200 B)', 'put → delivered ms (median of 3)', 'events/s', `>= ${fmt(TARGET_ACK)}/s`],
    rows,
    notes: [
      `acks-on / acks-off = ${fmt((on / off) * 100, 1)}% (target >= 50%).`,
      `Path: PutRecordBatch (${BATCH} records, ${CONCURRENT_PUTS} concurrent, HTTP + bearer token) → outbox (SQLite WAL, synchronous=FULL, group commit) → batches of <= 1 MiB → splunk-hec sink (event endpoint, up to 10 batches in flight on one channel, ack poll every 20 ms) → local FaultHec; a run ends when the HEC holds every record and the outbox is empty (acks on: every batch acknowledged).`,
      'Client, Vigil and the HEC share one process and the machine\'s 2 cores.',
    ],
  };
}
