import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTime } from '../../src/core/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { auditDetail, metric, sendEvents, series } from './alerts-support.js';

const NOW = Date.UTC(2026, 0, 8, 12, 0, 0);
const MIN = 60_000;
const STEP = 5 * MIN;
const time = new FakeTime(NOW);
let vigil: TestVigil;

beforeAll(async () => {
  vigil = await startTestVigil({}, { clock: time });
  const ports = 'aws:listening-tcp-ports';
  const bytes = 'aws:all-bytes-out';
  await sendEvents(vigil, [
    // new listening port: np-ftp opens 21 ten minutes ago; np-young is new and has 21 from its first report
    ...series('np-ok', ports, NOW - 60 * MIN, NOW, STEP, () => ({ ports: [22, 80] })),
    ...series('np-ftp', ports, NOW - 60 * MIN, NOW, STEP, (t) => ({ ports: t >= NOW - 10 * MIN ? [21, 22, 80] : [22, 80] })),
    ...series('np-young', ports, NOW - 10 * MIN, NOW, STEP, () => ({ ports: [21, 22] })),
    // bytes out: bo-exfil's last report is 40x its median + 5 MB; bo-new has too little history
    ...series('bo-normal', bytes, NOW - 120 * MIN, NOW, STEP, (t) => ({ count: 1800 + ((t / STEP) % 3) * 100 })),
    ...series('bo-exfil', bytes, NOW - 120 * MIN, NOW - STEP, STEP, (t) => ({ count: 1800 + ((t / STEP) % 3) * 100 })),
    metric('bo-exfil', bytes, { count: 1900 * 40 + 5_000_000 }, NOW - 2 * MIN),
    ...series('bo-new', bytes, NOW - 15 * MIN, NOW, STEP, (t) => ({ count: t >= NOW - STEP ? 9_000_000 : 1000 })),
    // authorization failures: a burst of 9 in 15 minutes, 2 for another thing, and an old burst outside the window
    ...series('af-burst', 'aws:num-authorization-failures', NOW - 15 * MIN, NOW, STEP, () => ({ count: 3 })),
    ...series('af-low', 'aws:num-authorization-failures', NOW - 10 * MIN, NOW, STEP, () => ({ count: 1 })),
    metric('af-old', 'aws:num-authorization-failures', { count: 10 }, NOW - 40 * MIN),
    // connect flapping: 6 disconnects in 30 minutes versus 1
    ...series('fl-flap', 'aws:num-disconnects', NOW - 30 * MIN, NOW, 10 * MIN, () => ({ count: 2 })),
    ...series('fl-flap', 'aws:num-connection-attempts', NOW - 30 * MIN, NOW, 10 * MIN, () => ({ count: 2 })),
    metric('fl-ok', 'aws:num-disconnects', { count: 1 }, NOW - 5 * MIN),
    metric('fl-ok', 'aws:num-connection-attempts', { count: 2 }, NOW - 5 * MIN),
    // source IP: ip-moved reports from a new address five minutes ago
    ...series('ip-same', 'aws:source-ip-address', NOW - 60 * MIN, NOW, STEP, () => ({ cidrs: ['203.0.113.5'] })),
    ...series('ip-moved', 'aws:source-ip-address', NOW - 60 * MIN, NOW, STEP, (t) => ({ cidrs: [t >= NOW - STEP ? '198.51.100.7' : '203.0.113.9'] })),
    // audit: a CRITICAL check non-compliant, a CRITICAL check compliant, a LOW check non-compliant
    auditDetail('DEVICE_CERTIFICATE_SHARED_CHECK', 'COMPLETED_NON_COMPLIANT', 2, NOW - 20 * MIN),
    auditDetail('IOT_POLICY_OVERLY_PERMISSIVE_CHECK', 'COMPLETED_COMPLIANT', 0, NOW - 20 * MIN),
    auditDetail('LOGGING_DISABLED_CHECK', 'COMPLETED_NON_COMPLIANT', 1, NOW - 20 * MIN),
  ]);
}, 60_000);

afterAll(async () => {
  await vigil.stop();
});

async function rowsOf(name: string): Promise<Array<Record<string, string | string[]>>> {
  const run = await vigil.running.alerts.dispatch(name);
  expect(run.error).toBeUndefined();
  return run.rows as Array<Record<string, string | string[]>>;
}

describe('bundled detection searches', () => {
  it('are installed disabled on first start, each with a per-result alert and a throttle', async () => {
    const bundled = (await vigil.running.alerts.list()).filter((s) => s.bundled);
    expect(bundled.map((s) => s.name).sort()).toEqual(['iot-authorization-failure-burst', 'iot-bytes-out-spike', 'iot-connect-flapping', 'iot-critical-audit-findings', 'iot-new-listening-port', 'iot-new-source-ip']);
    expect(bundled.every((s) => !s.enabled && s.alert?.trigger.type === 'per_result' && s.alert.throttle !== undefined)).toBe(true);
  });

  it('new listening port: only the port a known device started listening on', async () => {
    expect(await rowsOf('iot-new-listening-port')).toEqual([{ thing: 'np-ftp', port: '21', first_seen: '2026-01-08T11:50:00Z' }]);
  });

  it('bytes-out spike: only the device far above its own median with enough history', async () => {
    expect(await rowsOf('iot-bytes-out-spike')).toEqual([{ thing: 'bo-exfil', recent_bytes: '5076000', weekly_median: '1900', ratio: '2671.6', reports: '24' }]);
  });

  it('authorization-failure burst: 5 or more failures in 15 minutes', async () => {
    expect(await rowsOf('iot-authorization-failure-burst')).toEqual([{ thing: 'af-burst', failures: '9', last_seen: '2026-01-08T11:55:00Z' }]);
  });

  it('connect flapping: repeated disconnects in 30 minutes', async () => {
    expect(await rowsOf('iot-connect-flapping')).toEqual([{ thing: 'fl-flap', disconnects: '6', connection_attempts: '6' }]);
  });

  it('new source IP: a known device reporting from an address it did not use before', async () => {
    expect(await rowsOf('iot-new-source-ip')).toEqual([{ thing: 'ip-moved', source_ip: '198.51.100.7', first_seen: '2026-01-08T11:55:00Z' }]);
  });

  it('critical audit findings: non-compliant checks of CRITICAL severity only', async () => {
    expect(await rowsOf('iot-critical-audit-findings')).toEqual([
      { _time: '2026-01-08T11:40:00.000+00:00', checkName: 'DEVICE_CERTIFICATE_SHARED_CHECK', severity: 'CRITICAL', nonCompliantResourcesCount: '2', totalResourcesCount: '3' },
    ]);
  });
});
