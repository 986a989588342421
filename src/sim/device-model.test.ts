import { describe, expect, it } from 'vitest';
import { decodeReport, encodeReport } from '../protocol/index.js';
import { DEVICE_MODELS, SCENARIOS, activity, buildFleet, deviceModel, deviceSample, sampleReport, scenario, targetIndex } from './index.js';

const MONDAY_NOON = Date.UTC(2026, 0, 5, 12, 0, 0);
const MONDAY_3AM = Date.UTC(2026, 0, 5, 3, 0, 0);
const SUNDAY_NOON = Date.UTC(2026, 0, 4, 12, 0, 0);

describe('device models', () => {
  it('the same device, time and period always give the same sample (pure function)', () => {
    const [device] = buildFleet({ count: 1, seed: 7 });
    expect(deviceSample(device!, MONDAY_NOON, 300)).toEqual(deviceSample(device!, MONDAY_NOON, 300));
    expect(buildFleet({ count: 20, seed: 7 })).toEqual(buildFleet({ count: 20, seed: 7 }));
    expect(buildFleet({ count: 20, seed: 7 })).not.toEqual(buildFleet({ count: 20, seed: 8 }));
  });

  it('a fleet mixes the models, names things after them and gives devices their own noise', () => {
    const fleet = buildFleet({ count: 40 });
    expect(new Set(fleet.map((d) => d.model))).toEqual(new Set(DEVICE_MODELS.map((m) => m.name)));
    expect(fleet[0]!.thingName).toMatch(/^sim-[a-z-]+-01$/);
    const cameras = fleet.filter((d) => d.model === 'camera');
    const bytes = cameras.map((d) => deviceSample(d, MONDAY_NOON, 300).bytesOut);
    expect(new Set(bytes).size).toBe(cameras.length);
  });

  it('traffic follows the daily and weekly patterns', () => {
    const gateway = deviceModel('gateway')!;
    expect(activity(gateway, MONDAY_NOON)).toBeGreaterThan(activity(gateway, MONDAY_3AM) * 2);
    expect(activity(gateway, MONDAY_NOON)).toBeGreaterThan(activity(gateway, SUNDAY_NOON));
    const device = buildFleet({ count: 40 }).find((d) => d.model === 'gateway')!;
    const day = deviceSample(device, MONDAY_NOON, 300);
    const night = deviceSample(device, MONDAY_3AM, 300);
    expect(day.bytesOut).toBeGreaterThan(night.bytesOut);
    // A flat model stays within its jitter all week.
    const sensor = deviceModel('idle-sensor')!;
    expect(activity(sensor, MONDAY_3AM)).toBe(activity(sensor, SUNDAY_NOON));
  });

  it('a sample has realistic listening ports, connections and packet counts', () => {
    const camera = buildFleet({ count: 40 }).find((d) => d.model === 'camera')!;
    const sample = deviceSample(camera, MONDAY_NOON, 300);
    expect(sample.tcpPorts).toEqual(expect.arrayContaining([22, 80, 554]));
    expect(sample.connections.length).toBeGreaterThanOrEqual(2);
    for (const c of sample.connections) expect(c.remoteAddr).toMatch(/^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):\d+$/);
    expect(sample.packetsOut).toBeGreaterThan(0);
    expect(sample.bytesOut / sample.packetsOut).toBeGreaterThan(900);
  });

  it('a sample becomes a valid Device Defender report (decodes back with the same content)', () => {
    const fleet = buildFleet({ count: 8 });
    for (const device of fleet) {
      const report = sampleReport(deviceSample(device, MONDAY_NOON, 300), 1_767_000_000, device.interface);
      for (const format of ['json', 'cbor'] as const) {
        const decoded = decodeReport(encodeReport(report, { format, keys: 'long' }), format);
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(decoded.value.metrics?.listeningTcpPorts?.total).toBe(report.metrics?.listeningTcpPorts?.total);
      }
    }
  });
});

describe('scenarios', () => {
  it('ftp-port-21 adds exactly TCP/21 from one minute in', () => {
    const ftp = scenario('ftp-port-21')!;
    expect(ftp.onsetSecs).toBe(60);
    const device = buildFleet({ count: 3 })[targetIndex(3)]!;
    const before = deviceSample(device, MONDAY_NOON, 300);
    const after = ftp.metrics!(before, 0);
    expect(after.tcpPorts).toContain(21);
    expect(after.tcpPorts.length).toBe(before.tcpPorts.length + 1);
  });

  it('exfiltration multiplies bytes out and adds a new destination', () => {
    const exfiltration = scenario('exfiltration')!;
    const before = deviceSample(buildFleet({ count: 1 })[0]!, MONDAY_NOON, 300);
    const after = exfiltration.metrics!(before, 0);
    expect(after.bytesOut).toBeGreaterThan(before.bytesOut * 10);
    expect(after.connections.map((c) => c.remoteAddr)).toContain('198.51.100.23:443');
  });

  it('every scenario named in the issue exists', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual(['baseline', 'ftp-port-21', 'exfiltration', 'credential-stuffing', 'flapping', 'rogue-client-id', 'shared-certificate']);
  });
});
