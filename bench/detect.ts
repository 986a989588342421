/**
 * `npm run bench -- detect`: datapoints evaluated per second by the Detect engine, one core, with
 * 10,000 things under one profile of 10 behaviors (7 static: gauges, a 600 s delta sum, a port set, a
 * CIDR set; 3 statistical: fleet p90/p99/p50 kept current). A datapoint is one behavior evaluated for
 * one report. Reports are built beforehand; the clock is set (not advanced) between rounds so no
 * timer flushes run inside the measured loop. Also: heap per thing after all things reported.
 */
import { unwrap } from '../src/core/index.js';
import type { Behavior } from '../src/model/index.js';
import type { MetricReport } from '../src/protocol/index.js';
import { T0, openHarness } from '../test/behaviors/harness.js';
import { fmt, median, perSecond, type BenchContext, type BenchReport } from './types.js';

const THINGS = 10_000;
const BEHAVIORS: Behavior[] = [
  { name: 'tcp-count', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 10 } } },
  { name: 'udp-count', metric: 'aws:num-listening-udp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 10 } } },
  { name: 'conn-count', metric: 'aws:num-established-tcp-connections', criteria: { comparisonOperator: 'less-than', value: { count: 100 } } },
  { name: 'egress-600', metric: 'aws:all-bytes-out', criteria: { comparisonOperator: 'less-than-equals', value: { count: 10_000_000 }, durationSeconds: 600 } },
  { name: 'packets-out', metric: 'aws:all-packets-out', criteria: { comparisonOperator: 'less-than-equals', value: { count: 1_000_000 }, consecutiveDatapointsToAlarm: 3 } },
  { name: 'tcp-ports', metric: 'aws:listening-tcp-ports', criteria: { comparisonOperator: 'in-port-set', value: { ports: [22, 80, 443, 8883] } } },
  { name: 'dest-ips', metric: 'aws:destination-ip-addresses', criteria: { comparisonOperator: 'in-cidr-set', value: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'] } } },
  { name: 'ingress-p90', metric: 'aws:all-bytes-in', criteria: { comparisonOperator: 'less-than-equals', durationSeconds: 300, statisticalThreshold: { statistic: 'p90' } } },
  { name: 'packets-in-p99', metric: 'aws:all-packets-in', criteria: { comparisonOperator: 'less-than-equals', durationSeconds: 300, statisticalThreshold: { statistic: 'p99' } } },
  { name: 'conn-p50', metric: 'aws:num-established-tcp-connections', criteria: { comparisonOperator: 'greater-than-equals', statisticalThreshold: { statistic: 'p0.1' } } },
];

function report(i: number, round: number): MetricReport {
  const jitter = (i * 7919 + round * 104_729) % 1000;
  return {
    header: { reportId: round + 1, version: '1.0' },
    metrics: {
      listeningTcpPorts: { ports: [{ port: 22 }, { port: 443 }, { port: 8883 }], total: 3 },
      listeningUdpPorts: { ports: [{ port: 53 }], total: 1 },
      networkStats: { bytesIn: 10_000 + jitter * 10, bytesOut: 20_000 + jitter, packetsIn: 100 + jitter, packetsOut: 200 + (jitter % 50) },
      tcpConnections: { establishedConnections: { connections: [{ remoteAddr: `10.0.${i % 250}.${jitter % 250}:443` }, { remoteAddr: '192.168.1.1:8883' }], total: 2 + (jitter % 5) } },
    },
  };
}

export default async function detectBench(ctx: BenchContext): Promise<BenchReport> {
  const h = await openHarness({ tick_interval_secs: 3600, export_interval_secs: 3600 });
  try {
    unwrap(await h.detect.profiles.createProfile('bench', { behaviors: BEHAVIORS }));
    unwrap(await h.detect.profiles.attach('bench', 'arn:aws:iot:local:000000000000:all/things'));
    const names = Array.from({ length: THINGS }, (_, i) => `thing-${String(i).padStart(5, '0')}`);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    ctx.progress(`warm-up: ${fmt(THINGS)} things report once`);
    for (let i = 0; i < THINGS; i++) h.detect.engine.ingestReport(names[i] as string, T0, report(i, 0));
    await h.detect.engine.idle();
    global.gc?.();
    const heapPerThing = (process.memoryUsage().heapUsed - heapBefore) / THINGS;
    await h.detect.engine.flush();

    const ROUNDS = 5;
    const prepared = Array.from({ length: ROUNDS + 2 }, (_, r) => Array.from({ length: THINGS }, (_, i) => report(i, r + 1)));
    let round = 0;
    const times = await ctx.repeat(ROUNDS, () => {
      const reports = prepared[round] as MetricReport[];
      round += 1;
      const at = T0 + round * 300_000;
      h.time.set(at);
      const started = performance.now();
      for (let i = 0; i < THINGS; i++) h.detect.engine.ingestReport(names[i] as string, at, reports[i] as MetricReport);
      return performance.now() - started;
    }, 1);
    await h.detect.engine.flush();
    const ms = median(times);
    const datapoints = THINGS * BEHAVIORS.length;
    const rate = perSecond(datapoints, ms);
    return {
      columns: ['case', 'things', 'behaviors', 'median ms / round', 'reports/s', 'datapoints/s', 'heap KiB / thing', 'violation events'],
      rows: [['10 behaviors (7 static + 3 statistical), one report per thing per round', THINGS, BEHAVIORS.length, fmt(ms, 1), fmt(perSecond(THINGS, ms)), fmt(rate), fmt(heapPerThing / 1024, 2), h.events.length]],
      notes: [
        `target >= 100,000 datapoints/s on one core: ${rate >= 100_000 ? 'met' : 'NOT met'} (${fmt(rate / 100_000, 2)}x)`,
        'heap per thing: engine state (net-stat window, alarms of 10 behaviors, fleet slots) after one report each; approximate without --expose-gc.',
      ],
    };
  } finally {
    await h.close();
  }
}
