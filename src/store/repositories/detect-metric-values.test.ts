import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricDatum } from '../../model/index.js';
import { tempDir } from '../../../test/support/temp.js';
import { migrateDuckDb, openDuckDb } from '../duckdb.js';
import { detectMetricHistory } from './detect-metric-values.js';

const dir = tempDir('vigil-metric-history-');
afterAll(() => dir.remove());

describe('retained metric values (detect_metric_values)', () => {
  it('stores a tick larger than one appender chunk completely, in order, and keeps appends that come while it is written', async () => {
    const opened = await openDuckDb(join(dir.path, 'events.duckdb'));
    if (!opened.ok) throw opened.error;
    expect((await migrateDuckDb(opened.value)).ok).toBe(true);
    const history = await detectMetricHistory(opened.value);
    const tick: MetricDatum[] = Array.from({ length: 10_000 }, (_v, i) => ({ thingName: `t${i % 7}`, metric: 'aws:all-bytes-out', dimensionName: undefined, dimensionOperator: undefined, time: 1_000 + i, value: { count: i } }));
    const later: MetricDatum = { thingName: 't0', metric: 'aws:listening-tcp-ports', dimensionName: 'ports', dimensionOperator: 'NOT_IN', time: 50_000, value: { ports: [22, 443] } };
    await Promise.all([history.append(tick), history.append([later])]);
    const t0 = await history.query({ thingName: 't0', metric: 'aws:all-bytes-out', from: 0, to: 100_000, limit: 5000 });
    expect(t0.items.map((d) => d.value.count)).toEqual(tick.filter((d) => d.thingName === 't0').map((d) => d.value.count));
    const ports = await history.query({ thingName: 't0', metric: 'aws:listening-tcp-ports', dimensionName: 'ports', dimensionOperator: 'NOT_IN', from: 0, to: 100_000, limit: 10 });
    expect(ports.items).toEqual([later]);
    history.close();
    await opened.value.close();
  });
});
