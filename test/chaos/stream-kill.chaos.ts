import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultHec } from '../support/fault-hec.js';
import { tempDir } from '../support/temp.js';
import { VigilProcess, until } from '../support/vigil-process.js';

const TOTAL = 50_000;
const PUT_BATCH = 500;
const MAX_IN_FLIGHT = 4;
const BATCH_BYTES = 64 * 1024;

describe('stream delivery across two kill -9 during a Firehose put', () => {
  const dir = tempDir('vigil-chaos-stream-');
  const hec = new FaultHec({ responseDelayMs: 30, ackDelayMs: 100 });
  const vigil = new VigilProcess(dir.path);
  afterAll(async () => {
    await vigil.kill();
    await hec.stop();
    dir.remove();
  });

  it(`delivers every acknowledged record of ${TOTAL.toLocaleString('en')} (0 lost) with duplicates bounded by the in-flight window per kill`, async () => {
    await hec.start();
    await vigil.start();
    await vigil.firehose('CreateDeliveryStream', {
      DeliveryStreamName: 'siem',
      SplunkDestinationConfiguration: { HECEndpoint: hec.url, HECEndpointType: 'Event', HECToken: hec.token, RetryOptions: { DurationInSeconds: 3600 }, BufferingHints: { IntervalInSeconds: 1, SizeInMBs: 1 }, S3Configuration: { RoleARN: 'r', BucketARN: 'b' } },
    });
    const described = (await (await vigil.fetchApi('/api/v1/streams/siem')).json()) as { sink: Record<string, unknown> };
    const update = await vigil.fetchApi('/api/v1/streams/siem', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...described, sink: { ...described.sink, ackPollIntervalMs: 50, maxInFlight: MAX_IN_FLIGHT }, buffering: { sizeBytes: BATCH_BYTES, intervalSecs: 1 } }) });
    expect(update.status).toBe(200);

    // A producer as the AWS SDK behaves: a put that fails (the server is gone) is retried until it succeeds.
    const acknowledged = new Set<number>();
    let refusedPuts = 0;
    const kills: number[] = [];
    const recordBytes = Buffer.byteLength(JSON.stringify({ event: { id: 0, pad: 'p'.repeat(160) } }));
    for (let start = 0; start < TOTAL; start += PUT_BATCH) {
      const ids = Array.from({ length: PUT_BATCH }, (_v, i) => start + i);
      for (;;) {
        try {
          const result = await vigil.firehose('PutRecordBatch', { DeliveryStreamName: 'siem', Records: ids.map((id) => ({ Data: Buffer.from(JSON.stringify({ event: { id, pad: 'p'.repeat(160) } })).toString('base64') })) });
          expect(result['FailedPutCount']).toBe(0);
          for (const id of ids) acknowledged.add(id);
          break;
        } catch {
          refusedPuts++;
          if (!vigil.alive) await vigil.start();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      // Two kills mid-put, each while deliveries are in flight.
      if ((start === 15_000 || start === 35_000) && kills.length < 2) {
        await until(() => hec.ids().length > start / 2, 'deliveries before the kill', 120_000);
        kills.push(hec.ids().length);
        await vigil.kill();
      }
    }
    await until(() => new Set(hec.ids()).size >= acknowledged.size, 'every acknowledged record', 300_000, 200);

    const ids = hec.ids();
    const unique = new Set(ids);
    const lost = [...acknowledged].filter((id) => !unique.has(id));
    const duplicates = ids.length - unique.size;
    // What one kill can duplicate: every batch in flight (sent, not yet acknowledged by HEC and removed from the outbox).
    const window = MAX_IN_FLIGHT * Math.ceil(BATCH_BYTES / recordBytes);
    process.stdout.write(`chaos stream kill: ${acknowledged.size} records acknowledged to the producer (${refusedPuts} puts refused while down and retried); kills after ${kills.join(' and ')} deliveries; ${ids.length} arrived, ${unique.size} distinct, ${lost.length} lost, ${duplicates} duplicates (bound: 2 kills × in-flight window ${window} = ${2 * window})\n`);
    expect(kills).toHaveLength(2);
    expect(lost).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(2 * window);
  });
});
