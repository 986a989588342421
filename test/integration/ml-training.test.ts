import { afterEach, describe, expect, it } from 'vitest';
import { FakeTime, unwrap } from '../../src/core/index.js';
import type { MetricReport } from '../../src/protocol/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const T0 = Date.UTC(2026, 0, 12);
const PERIOD = 300_000;
const HOUR = 3_600_000;
const THINGS = ['s-1', 's-2', 's-3', 's-4', 's-5', 's-6', 's-7', 's-8'];

const report = (id: number, out: number): MetricReport => ({ header: { reportId: id, version: '1.0' }, metrics: { networkStats: { bytesOut: out } } });

let vigil: TestVigil | undefined;
afterEach(async () => {
  await vigil?.stop();
  vigil = undefined;
});

describe('ML Detect training status on a fake clock', () => {
  it('goes PENDING_BUILD (with collection percentage) → ACTIVE once 24 h and the minimum datapoints (200) exist → EXPIRED after 30 days without data', async () => {
    const time = new FakeTime(T0);
    vigil = await startTestVigil({}, { clock: time });
    const detect = vigil.running.detect;
    const ml = detect.ml;
    if (ml === undefined) throw new Error('ML Detect is not wired');
    unwrap(await detect.profiles.createProfile('p', {
      behaviors: [
        { name: 'out', metric: 'aws:all-bytes-out', criteria: { mlDetectionConfig: { confidenceLevel: 'LOW' } } },
        { name: 'denied', metric: 'aws:num-authorization-failures', criteria: { mlDetectionConfig: { confidenceLevel: 'HIGH' } } },
      ],
    }));
    unwrap(await detect.profiles.attach('p', 'arn:aws:iot:local:000000000000:all/things'));
    const status = async (): Promise<Array<[string, string, number]>> => (await ml.summaries('p')).map((r) => [r.behaviorName, r.status, r.percentage]);
    let id = 1;
    const feed = async (hours: number): Promise<void> => {
      for (let k = 0; k < (hours * HOUR) / PERIOD; k++) {
        await time.advance(PERIOD);
        const t = time.now();
        THINGS.forEach((thing, i) => detect.engine.device({ thingName: thing, clientId: thing, timestamp: t, reportId: id++, report: report(id, 1000 * (i + 1) + (k % 7) * 10) }));
      }
      await detect.engine.flush();
    };

    expect(await status()).toEqual([['denied', 'PENDING_BUILD', 0], ['out', 'PENDING_BUILD', 0]]);
    await feed(12); // 1,152 datapoints over 12 h: 50 % of the 24 h minimum
    await ml.train();
    expect(await status()).toEqual([['denied', 'PENDING_BUILD', 0], ['out', 'PENDING_BUILD', 49]]);

    await feed(0.5); // within the retry interval (1 h): no new attempt
    await ml.train();
    expect(await status()).toEqual([['denied', 'PENDING_BUILD', 0], ['out', 'PENDING_BUILD', 49]]);

    await feed(12.5); // 25 h, 2,400 datapoints: the first model
    await ml.train();
    expect(await status()).toEqual([['denied', 'PENDING_BUILD', 0], ['out', 'ACTIVE', 100]]);
    const active = (await ml.summaries('p')).find((r) => r.behaviorName === 'out');
    expect(active?.lastRefresh).toBe(time.now());
    expect(ml.violates('p', 'out', 'aws:all-bytes-out', 'LOW', 's-1', 1000, time.now())).toBe(false);
    expect(ml.violates('p', 'out', 'aws:all-bytes-out', 'LOW', 's-1', 10_000, time.now())).toBe(true);

    await time.advance(31 * 24 * HOUR); // silence: no refresh possible for 30 days
    await ml.train();
    expect(await status()).toEqual([['denied', 'EXPIRED', 0], ['out', 'EXPIRED', 0]]);
    expect(ml.violates('p', 'out', 'aws:all-bytes-out', 'LOW', 's-1', 10_000, time.now())).toBeUndefined();
  });
});
