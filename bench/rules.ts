/**
 * `npm run bench -- rules`: messages/s through the rules engine into a stream put port: a `SELECT *`
 * rule with a firehose action (the reference pipeline's rule), reached by basic ingest and by a
 * topic filter among other rules, and a projecting rule with WHERE. The put port only counts (no
 * outbox), so the figure is the engine's own cost: topic match, JSON parse, SQL, action dispatch.
 */
import { ok, systemClock, type Result } from '../src/core/index.js';
import type { StreamPutter } from '../src/model/index.js';
import { RulesEngine } from '../src/rules/index.js';
import { migrateRegistry, openSqliteRegistry, topicRuleRepository } from '../src/store/index.js';
import { Telemetry, createLogger } from '../src/telemetry/index.js';
import { tempDir } from '../test/support/temp.js';
import { fmt, median, perSecond, type BenchContext, type BenchReport } from './types.js';

class CountingPutter implements StreamPutter {
  records = 0;
  bytes = 0;
  async put(_stream: string, records: readonly Uint8Array[]): Promise<Result<readonly string[]>> {
    this.records += records.length;
    for (const r of records) this.bytes += r.byteLength;
    return ok(records.map(() => 'id'));
  }
}

function exportPayload(i: number): Uint8Array {
  const metrics = ['aws:all-bytes-out', 'aws:all-packets-out', 'aws:num-listening-tcp-ports', 'aws:listening-tcp-ports', 'aws:num-authorization-failures'].map((name, k) => ({
    name,
    thing: `thing-${i % 1000}`,
    value: name === 'aws:listening-tcp-ports' ? { ports: [22, 80, 443, 8883] } : { count: i + k },
    version: 1,
    timestamp: 1_767_225_600_000 + i,
  }));
  return new TextEncoder().encode(JSON.stringify({ version: '1.0', metrics }));
}

export default async function rulesBench(ctx: BenchContext): Promise<BenchReport> {
  const dir = tempDir('vigil-bench-rules-');
  const registry = openSqliteRegistry(`${dir.path}/registry.sqlite`);
  const migrated = await migrateRegistry(registry);
  if (!migrated.ok) throw migrated.error;
  const putter = new CountingPutter();
  const telemetry = new Telemetry(createLogger({ level: 'silent', format: 'json' }));
  const unused = { publish: async () => ok(undefined) };
  const rules = new RulesEngine({ store: topicRuleRepository(registry), ports: { putter, publisher: unused, notifier: { publish: async () => ok('') } }, clock: systemClock, telemetry, region: 'local', accountId: '000000000000' });
  await rules.start();
  const firehose = (stream: string) => [{ firehose: { deliveryStreamName: stream, separator: '\n' } }];
  await rules.createRule('DefenderExport', { sql: "SELECT * FROM 'vigil/export'", actions: firehose('siem') });
  for (let i = 0; i < 10; i++) await rules.createRule(`other_${i}`, { sql: `SELECT * FROM 'plant/${i}/+/telemetry'`, actions: firehose('other') });
  await rules.createRule('telemetry', { sql: "SELECT * FROM 'devices/+/export'", actions: firehose('siem') });
  await rules.createRule('projection', { sql: "SELECT metrics[0].thing AS thing, metrics[2].value.count AS ports, topic(2) AS device, timestamp() AS ts FROM 'devices/+/projected' WHERE metrics[2].value.count > 0", actions: firehose('siem') });

  const count = 20_000;
  const payloads = Array.from({ length: 256 }, (_, i) => exportPayload(i));
  const cases = [
    { name: 'SELECT * via $aws/rules/<rule> (basic ingest)', topic: () => '$aws/rules/DefenderExport' },
    { name: "SELECT * via topic filter 'devices/+/export' (12 rules loaded)", topic: (i: number) => `devices/d${i % 100}/export` },
    { name: 'projection + WHERE (4 fields, topic(), timestamp())', topic: (i: number) => `devices/d${i % 100}/projected` },
  ];
  const rows: Array<Array<string | number>> = [];
  const rates: number[] = [];
  for (const c of cases) {
    ctx.progress(c.name);
    const times = await ctx.repeat(5, async () => {
      const before = putter.records;
      const start = process.hrtime.bigint();
      const batch: Array<Promise<void>> = [];
      for (let i = 0; i < count; i++) {
        batch.push(rules.onMessage({ topic: c.topic(i), payload: payloads[i % payloads.length] as Uint8Array, receivedAt: 0 }));
        if (batch.length === 500) await Promise.all(batch.splice(0));
      }
      await Promise.all(batch);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (putter.records - before !== count) throw new Error(`expected ${count} records, got ${putter.records - before}`);
      return ms;
    }, 1);
    const rate = perSecond(count, median(times));
    rates.push(rate);
    rows.push([c.name, payloads[0]?.byteLength ?? 0, fmt(rate)]);
  }
  await rules.stop();
  await registry.close();
  dir.remove();
  return {
    columns: ['case', 'payload bytes', `messages/s (median of 5 × ${fmt(count)})`],
    rows,
    notes: [
      'One record per message into a counting StreamPutter (no outbox): the rules engine alone, single core, 500 messages in flight.',
      `Filter match among 12 rules vs basic ingest: ${fmt((rates[1] ?? 0) / (rates[0] ?? 1), 2)}×; projection vs SELECT *: ${fmt((rates[2] ?? 0) / (rates[0] ?? 1), 2)}×.`,
    ],
  };
}
