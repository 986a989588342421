import { afterEach, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/index.js';
import type { MetricReport } from '../../src/protocol/index.js';
import { T0, openHarness, type Harness } from '../behaviors/harness.js';

const report = (total: number): MetricReport => ({ header: { reportId: total, version: '1.0' }, metrics: { listeningTcpPorts: { total } } });

let open: Harness | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('detect alarm state across a restart', () => {
  it('keeps consecutive counters and the active violation, so alarming and clearing continue where they stopped', async () => {
    const first = await openHarness();
    unwrap(await first.detect.profiles.createProfile('p', { behaviors: [{ name: 'tcp', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 3 }, consecutiveDatapointsToAlarm: 2, consecutiveDatapointsToClear: 2 } }] }));
    unwrap(await first.detect.profiles.attach('p', 'arn:aws:iot:local:000000000000:all/things'));
    first.detect.engine.ingestReport('t1', T0, report(9));
    await first.detect.idle();
    await first.detect.stop();
    await first.registry.close();

    // Second process: one more violating datapoint completes the 2 needed.
    const second = await openHarness({}, { dir: first.dir, time: first.time, directory: first.directory });
    second.detect.engine.ingestReport('t1', T0 + 300_000, report(9));
    await second.detect.idle();
    expect(second.events.map((e) => e.event.eventType)).toEqual(['in-alarm']);
    const violationId = second.events[0]?.event.violationId;
    second.detect.engine.ingestReport('t1', T0 + 600_000, report(1));
    await second.detect.idle();
    await second.detect.stop();
    await second.registry.close();

    // Third process: the violation is still active; one more compliant datapoint clears it.
    const third = await openHarness({}, { dir: first.dir, time: first.time, directory: first.directory });
    open = {
      ...third,
      close: async () => {
        await third.close();
        await first.close();
      },
    };
    expect((unwrap(await third.detect.violations.listActive({}))).items.map((v) => v.violationId)).toEqual([violationId]);
    third.detect.engine.ingestReport('t1', T0 + 900_000, report(1));
    await third.detect.idle();
    expect(third.events.map((e) => [e.event.eventType, e.event.violationId])).toEqual([['alarm-cleared', violationId]]);
    expect((unwrap(await third.detect.violations.listActive({}))).items).toEqual([]);
  });
});
