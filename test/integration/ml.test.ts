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

  it('scores a device that reports hourly from its first day on (fleet prior): quiet on its normal values, in-alarm on a jump', async () => {
    const time = new FakeTime(T0);
    vigil = await startTestVigil({ ml: { min_hours: 24, min_datapoints: 200 } }, { clock: time });
    const detect = vigil.running.detect;
    const ml = detect.ml;
    if (ml === undefined) throw new Error('ML Detect is not wired');
    await detect.profiles.createProfile('ml', { behaviors: [{ name: 'connections', metric: 'aws:num-established-tcp-connections', criteria: { mlDetectionConfig: { confidenceLevel: 'MEDIUM' }, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 } }] });
    await detect.profiles.attach('ml', 'arn:aws:iot:local:000000000000:all/things');
    // Established connections (a gauge: the same whatever the reporting cadence), a daily curve and ±10 % jitter.
    const connections = (thing: number, at: number): number => Math.round(bytesOut(thing, at) / 1_000_000);
    const gauge = (reportId: number, total: number): MetricReport => ({ header: { reportId, version: '1.0' }, metrics: { tcpConnections: { establishedConnections: { total } } } });
    // A fleet reporting every 5 minutes for 30 hours: the model becomes ACTIVE.
    let id = 1;
    let t = T0;
    while (t < T0 + 30 * 3_600_000) {
      await time.advance(PERIOD);
      t += PERIOD;
      THINGS.forEach((thing, i) => detect.engine.device({ thingName: thing, clientId: thing, timestamp: t, reportId: id++, report: gauge(id, connections(i, t)) }));
    }
    await detect.engine.flush();
    await ml.train(true);
    expect((await ml.summaries('ml'))[0]?.status).toBe('ACTIVE');

    // A new device, never seen by the model, reports once an hour for 23 hours, like a fleet member.
    const scores: Array<{ time: number; score: number }> = [];
    for (let hour = 1; hour <= 23; hour++) {
      await time.advance(3_600_000);
      t += 3_600_000;
      detect.engine.device({ thingName: 'hourly-1', clientId: 'hourly-1', timestamp: t, reportId: id++, report: gauge(id, connections(3, t)) });
      await detect.idle();
      const last = ml.lastScore('ml', 'connections', 'hourly-1');
      if (last !== undefined) scores.push(last);
    }
    // Every hourly datapoint got a score, from the first one on.
    expect(scores.map((s) => s.time)).toEqual(Array.from({ length: 23 }, (_, k) => T0 + 30 * 3_600_000 + (k + 1) * 3_600_000));
    for (const s of scores) expect(s.score >= 0 && s.score <= 1).toBe(true);
    await time.advance(3_600_000);
    t += 3_600_000;
    detect.engine.device({ thingName: 'hourly-1', clientId: 'hourly-1', timestamp: t, reportId: id++, report: gauge(id, connections(3, t) * 10) });
    await detect.engine.flush();
    const listed = await vigil.client.request<{ violationEvents: Array<{ thingName: string; violationEventType: string; violationEventTime: number }> }>('GET', `/violation-events?thingName=hourly-1&startTime=${T0 / 1000}&endTime=${(t + PERIOD) / 1000}`);
    // One alarm, on the jump, within the device's first day.
    expect(listed.violationEvents.map((e) => [e.thingName, e.violationEventType, e.violationEventTime])).toEqual([['hourly-1', 'in-alarm', t / 1000]]);
  });

  it('raises in-alarm when a device goes silent: the overdue reports are scored on the engine tick', async () => {
    const time = new FakeTime(T0);
    vigil = await startTestVigil({ ml: { min_hours: 24, min_datapoints: 200 } }, { clock: time });
    const detect = vigil.running.detect;
    const ml = detect.ml;
    if (ml === undefined) throw new Error('ML Detect is not wired');
    await detect.profiles.createProfile('ml', { behaviors: [{ name: 'bytes-out', metric: 'aws:all-bytes-out', criteria: { mlDetectionConfig: { confidenceLevel: 'MEDIUM' }, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 } }] });
    await detect.profiles.attach('ml', 'arn:aws:iot:local:000000000000:all/things');
    let id = 1;
    let t = T0;
    // The test server's timers run on real time: the engine's tick (closing windows, scoring overdue reports) is called by hand.
    const step = async (reporting: readonly string[]): Promise<void> => {
      await time.advance(PERIOD);
      t += PERIOD;
      for (const thing of reporting) detect.engine.device({ thingName: thing, clientId: thing, timestamp: t, reportId: id++, report: report(id, bytesOut(THINGS.indexOf(thing), t)) });
      await detect.engine.tick();
    };
    while (t < T0 + 30 * 3_600_000) await step(THINGS);
    await detect.engine.flush();
    await ml.train(true);
    // cam-5 stops reporting; the others go on. One missing report is normal, an hour of silence is not.
    const others = THINGS.filter((thing) => thing !== 'cam-5');
    const silentFrom = t;
    const events = async (): Promise<Array<{ thingName: string; violationEventType: string; violationEventTime: number }>> =>
      (await vigil?.client.request<{ violationEvents: Array<{ thingName: string; violationEventType: string; violationEventTime: number }> }>('GET', `/violation-events?startTime=${T0 / 1000}&endTime=${(t + PERIOD) / 1000}`))?.violationEvents ?? [];
    await step(others);
    await step(others);
    await detect.engine.flush();
    expect(await events()).toEqual([]);
    for (let k = 0; k < 12; k++) await step(others);
    await detect.engine.flush();
    const raised = await events();
    expect(raised.map((e) => [e.thingName, e.violationEventType])).toEqual([['cam-5', 'in-alarm']]);
    expect(raised[0]?.violationEventTime).toBeGreaterThan((silentFrom + 2 * PERIOD) / 1000);
    // Reports again: the alarm clears.
    await step(THINGS);
    await detect.engine.flush();
    const all = (await events()).sort((a, b) => a.violationEventTime - b.violationEventTime);
    expect(all.map((e) => [e.thingName, e.violationEventType])).toEqual([['cam-5', 'in-alarm'], ['cam-5', 'alarm-cleared']]);
  });
});
