import { afterEach, describe, expect, it } from 'vitest';
import { FakeTime, unwrap } from '../../src/core/index.js';
import type { MetricReport } from '../../src/protocol/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const T0 = Date.UTC(2026, 0, 12);
const PERIOD = 300_000;
const THINGS = ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5', 'cam-6', 'cam-7', 'cam-8'];

/** Bytes out of one camera in one period: a daily curve and ±10 % deterministic jitter. */
function bytesOut(thing: number, time: number): number {
  const hour = (time / 3_600_000) % 24;
  const jitter = 0.9 + 0.2 * (((thing * 7919 + Math.floor(time / PERIOD) * 104_729) % 1000) / 1000);
  return Math.round(50_000_000 * (1 + thing / 10) * (1 + 0.3 * Math.sin((hour / 24) * 2 * Math.PI)) * jitter);
}

const report = (id: number, out: number): MetricReport => ({ header: { reportId: id, version: '1.0' }, metrics: { networkStats: { bytesOut: out, bytesIn: 1000, packetsOut: 10, packetsIn: 10 } } });

let vigil: TestVigil | undefined;
afterEach(async () => {
  await vigil?.stop();
  vigil = undefined;
});

interface Summary {
  securityProfileName: string;
  behaviorName: string;
  modelStatus: string;
  datapointsCollectionPercentage: number;
  lastModelRefreshDate?: number;
  trainingDataCollectionStartDate: number;
}

describe('ML Detect end to end', () => {
  it('builds a model from a simulated fleet and raises in-alarm with confidenceLevel when bytes-out jumps x10', async () => {
    const time = new FakeTime(T0);
    vigil = await startTestVigil({ ml: { min_hours: 24, min_datapoints: 2000 } }, { clock: time });
    const detect = vigil.running.detect;
    const ml = detect.ml;
    if (ml === undefined) throw new Error('ML Detect is not wired');
    unwrap(await detect.profiles.createProfile('ml', { behaviors: [{ name: 'bytes-out', metric: 'aws:all-bytes-out', criteria: { mlDetectionConfig: { confidenceLevel: 'MEDIUM' }, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 } }] }));
    unwrap(await detect.profiles.attach('ml', 'arn:aws:iot:local:000000000000:all/things'));

    const summaries = async (): Promise<Summary[]> => (await vigil?.client.request<{ summaries: Summary[] }>('GET', '/behavior-model-training/summaries?securityProfileName=ml'))?.summaries ?? [];
    expect(await summaries()).toEqual([{ securityProfileName: 'ml', behaviorName: 'bytes-out', trainingDataCollectionStartDate: T0 / 1000, modelStatus: 'PENDING_BUILD', datapointsCollectionPercentage: 0 }]);

    // 30 hours of history for 8 things (2,880 datapoints), all before any model: no alarm.
    let id = 1;
    const hours = 30;
    for (let t = T0 + PERIOD; t <= T0 + hours * 3_600_000; t += PERIOD) {
      await time.advance(PERIOD);
      THINGS.forEach((thing, i) => detect.engine.device({ thingName: thing, clientId: thing, timestamp: t, reportId: id++, report: report(id, bytesOut(i, t)) }));
      if ((t - T0) % (6 * 3_600_000) === 0) await detect.engine.flush();
    }
    await detect.engine.flush();
    await ml.train(true);
    const built = await summaries();
    expect(built[0]).toMatchObject({ modelStatus: 'ACTIVE', datapointsCollectionPercentage: 100, lastModelRefreshDate: (T0 + hours * 3_600_000) / 1000 });

    // Normal traffic keeps quiet; then cam-3 sends ten times its usual bytes.
    let t = T0 + hours * 3_600_000;
    for (let k = 0; k < 6; k++) {
      t += PERIOD;
      THINGS.forEach((thing, i) => detect.engine.device({ thingName: thing, clientId: thing, timestamp: t, reportId: id++, report: report(id, bytesOut(i, t)) }));
    }
    await detect.idle();
    t += PERIOD;
    detect.engine.device({ thingName: 'cam-3', clientId: 'cam-3', timestamp: t, reportId: id++, report: report(id, bytesOut(2, t) * 10) });
    await detect.engine.flush();

    const listed = await vigil.client.request<{ violationEvents: Array<{ thingName: string; violationEventType: string; violationEventAdditionalInfo?: { confidenceLevel: string }; metricValue?: { count: number } }> }>('GET', `/violation-events?startTime=${T0 / 1000}&endTime=${(t + PERIOD) / 1000}`);
    expect(listed.violationEvents.map((e) => [e.thingName, e.violationEventType, e.violationEventAdditionalInfo?.confidenceLevel])).toEqual([['cam-3', 'in-alarm', 'MEDIUM']]);
    expect(listed.violationEvents[0]?.metricValue?.count).toBe(bytesOut(2, t) * 10);
  });
});
