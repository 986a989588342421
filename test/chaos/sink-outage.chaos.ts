import { afterAll, describe, expect, it } from 'vitest';
import { FaultHec } from '../support/fault-hec.js';
import { tempDir } from '../support/temp.js';
import { VigilProcess, until } from '../support/vigil-process.js';

const TOTAL = 15_000;

describe('a sink outage past the retry window, then replay', () => {
  const dir = tempDir('vigil-chaos-outage-');
  const hec = new FaultHec({ ackDelayMs: 20 });
  const vigil = new VigilProcess(dir.path, { stream: { retry_initial_ms: 50, retry_max_ms: 200 } });
  afterAll(async () => {
    await vigil.kill();
    await hec.stop();
    dir.remove();
  });

  async function status(): Promise<{ backedUpRecords: Record<string, number>; outboxRecords: number; deliveredRecords: number; lastError: unknown }> {
    return (await (await vigil.fetchApi('/api/v1/streams/s/status')).json()) as never;
  }

  it(`backs up all ${TOTAL.toLocaleString('en')} records, replays them once when the sink is back, and a second replay finds nothing`, async () => {
    await hec.start();
    const url = hec.url;
    await vigil.start();
    const created = await vigil.fetchApi('/api/v1/streams', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 's', sink: { type: 'splunk-hec', endpoint: url, token: hec.token, ackPollIntervalMs: 20, requestTimeoutSecs: 2 }, buffering: { intervalSecs: 1, sizeBytes: 256 * 1024 }, retryDurationSecs: 2 }) });
    expect(created.status).toBe(201);
    await hec.stop();
    for (let start = 0; start < TOTAL; start += 500) {
      const result = await vigil.firehose('PutRecordBatch', { DeliveryStreamName: 's', Records: Array.from({ length: 500 }, (_v, i) => ({ Data: Buffer.from(JSON.stringify({ event: { id: start + i } })).toString('base64') })) });
      expect(result['FailedPutCount']).toBe(0);
    }
    await until(async () => (await status()).backedUpRecords['splunk-failed'] === TOTAL, 'every record in the backup', 300_000, 250);
    const outage = await status();
    expect(outage.outboxRecords).toBe(0);
    expect(outage.deliveredRecords).toBe(0);

    await hec.start();
    expect(hec.url).toBe(url);
    const replay = await vigil.fetchApi('/api/v1/streams/s/replay', { method: 'POST' });
    expect(replay.status).toBe(200);
    const replayed = (await replay.json()) as { records: number; objects: number };
    await until(() => hec.ids().length >= TOTAL, 'replayed delivery', 300_000, 250);
    await until(async () => (await status()).outboxRecords === 0, 'outbox drained', 60_000, 250);
    const second = (await (await vigil.fetchApi('/api/v1/streams/s/replay', { method: 'POST' })).json()) as { records: number };
    await new Promise((r) => setTimeout(r, 2000));
    const ids = hec.ids();
    const unique = new Set(ids);
    process.stdout.write(`chaos sink outage: ${TOTAL} records put while HEC was down, ${outage.backedUpRecords['splunk-failed']} in backup (splunk-failed); replay re-put ${replayed.records} from ${replayed.objects} objects, ${unique.size} delivered (${ids.length - unique.size} twice); second replay re-put ${second.records}\n`);
    expect(replayed.records).toBe(TOTAL);
    expect(unique.size).toBe(TOTAL);
    expect(ids.length).toBe(TOTAL);
    expect(second.records).toBe(0);
  });
});
