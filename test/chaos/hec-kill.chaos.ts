import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.js';
import { VigilProcess, until } from '../support/vigil-process.js';

const CLIENTS = 4;
const BATCH = 200;
const BATCHES_PER_CLIENT = 150;

interface Pending {
  readonly ids: readonly number[];
  ackId: number | undefined;
  channel: string;
}

/**
 * A HEC sender with indexer acknowledgement, as a Splunk forwarder or Firehose uses it: each batch
 * is posted on the client's channel, its ackId polled until true; a batch whose ack does not come
 * (the server died: its ack state is gone) is sent again on a new channel.
 */
class AckingSender {
  readonly acked = new Set<number>();
  resent = 0;
  private channel = randomUUID();

  constructor(
    private readonly vigil: VigilProcess,
    private readonly token: string,
    private readonly first: number,
  ) {}

  async run(): Promise<void> {
    for (let b = 0; b < BATCHES_PER_CLIENT; b++) {
      const ids = Array.from({ length: BATCH }, (_v, i) => this.first + b * BATCH + i);
      const pending: Pending = { ids, ackId: undefined, channel: this.channel };
      for (;;) {
        if (await this.send(pending)) break;
        this.resent++;
        this.channel = randomUUID();
        pending.channel = this.channel;
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const id of ids) this.acked.add(id);
    }
  }

  /** True once the batch's ack reads true; false when it must be sent again. */
  private async send(pending: Pending): Promise<boolean> {
    try {
      const body = pending.ids.map((id) => JSON.stringify({ event: { chaos: 'hec', id }, index: 'main' })).join('\n');
      const response = await fetch(`${this.vigil.hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${this.token}`, 'x-splunk-request-channel': pending.channel }, body });
      const answer = (await response.json()) as { code: number; ackId?: number };
      if (answer.code !== 0 || answer.ackId === undefined) return false;
      pending.ackId = answer.ackId;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const poll = await fetch(`${this.vigil.hec}/services/collector/ack`, { method: 'POST', headers: { authorization: `Splunk ${this.token}`, 'x-splunk-request-channel': pending.channel }, body: JSON.stringify({ acks: [pending.ackId] }) });
        const acks = ((await poll.json()) as { acks?: Record<string, boolean> }).acks;
        if (acks?.[String(pending.ackId)] === true) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    } catch {
      return false;
    }
  }
}

describe('HEC ingest with indexer acknowledgement across kill -9', () => {
  const dir = tempDir('vigil-chaos-hec-');
  const vigil = new VigilProcess(dir.path);
  afterAll(async () => {
    await vigil.kill();
    dir.remove();
  });

  it('keeps every event whose ack read true (0 missing) after a SIGKILL mid-ingest and a restart', async () => {
    await vigil.start();
    const created = await vigil.fetchApi('/api/v1/hec/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'chaos', index: 'main', useAck: true }) });
    expect(created.status).toBe(201);
    const token = ((await created.json()) as { token: string }).token;
    const senders = Array.from({ length: CLIENTS }, (_v, c) => new AckingSender(vigil, token, c * BATCH * BATCHES_PER_CLIENT));
    const sending = Promise.all(senders.map((s) => s.run()));
    const total = CLIENTS * BATCH * BATCHES_PER_CLIENT;
    const ackedSoFar = (): number => senders.reduce((n, s) => n + s.acked.size, 0);
    await until(() => ackedSoFar() >= total * 0.4, 'acks before the kill', 300_000);
    const ackedAtKill = ackedSoFar();
    await vigil.kill();
    await new Promise((r) => setTimeout(r, 1000));
    await vigil.start();
    await sending;
    await vigil.stop();

    // Read the event store itself (the server is stopped, so the file is free).
    const instance = await DuckDBInstance.create(join(vigil.dataDir, 'events.duckdb'));
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll("select cast(json_extract(raw, '$.id') as bigint) as id, count(*) as n from siem_events where json_extract_string(raw, '$.chaos') = 'hec' group by 1");
    const stored = new Map(reader.getRowObjects().map((r) => [Number(r['id']), Number(r['n'])]));
    connection.closeSync();
    instance.closeSync();

    const acked = new Set(senders.flatMap((s) => [...s.acked]));
    const missing = [...acked].filter((id) => !stored.has(id));
    const duplicates = [...stored.values()].reduce((n, count) => n + count - 1, 0);
    const resent = senders.reduce((n, s) => n + s.resent, 0);
    process.stdout.write(`chaos HEC kill: ${acked.size} events acknowledged (${ackedAtKill} before the SIGKILL), ${resent} batches resent after lost acks; ${stored.size} distinct events stored, ${missing.length} acknowledged events missing, ${duplicates} duplicates from resends\n`);
    expect(acked.size).toBe(total);
    expect(missing).toEqual([]);
  });
});
