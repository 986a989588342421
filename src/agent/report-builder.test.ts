import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTime } from '../core/index.js';
import { decodeReport, encodeReport } from '../protocol/index.js';
import { networkDelta } from './collectors/index.js';
import { parseCustomValue } from './custom-metrics.js';
import { createLogger } from './logger.js';
import type { InterfaceCounters } from './proc-net.js';
import { createReportBuilder } from './report-builder.js';

const eth0 = (bytesIn: number, bytesOut: number, packetsIn: number, packetsOut: number): InterfaceCounters => ({ name: 'eth0', bytesIn, bytesOut, packetsIn, packetsOut });
const lo = (n: number): InterfaceCounters => ({ name: 'lo', bytesIn: n, bytesOut: n, packetsIn: n, packetsOut: n });

describe('networkDelta', () => {
  it('gives nothing without a previous sample', () => expect(networkDelta(undefined, [eth0(1, 1, 1, 1)])).toBeUndefined());

  it('sums per-interface deltas, leaving out loopback and interfaces that just appeared', () => {
    const wlan = { ...eth0(500, 500, 5, 5), name: 'wlan0' };
    expect(networkDelta([eth0(100, 200, 10, 20), lo(5)], [eth0(150, 260, 13, 24), lo(900), wlan])).toEqual({ bytesIn: 50, bytesOut: 60, packetsIn: 3, packetsOut: 4 });
  });

  it('a counter that went backwards (reboot, wrap) gives no delta for that interval, never a spike', () => {
    expect(networkDelta([eth0(2 ** 32 - 10, 200, 10, 20)], [eth0(5, 260, 13, 24)])).toBeUndefined();
    expect(networkDelta([eth0(100, 200, 10, 20)], [eth0(100, 200, 9, 20)])).toBeUndefined();
  });
});

describe('parseCustomValue', () => {
  it('reads a number, and lists separated by whitespace or commas', () => {
    expect(parseCustomValue('number', ' 42.5\n')).toEqual({ ok: true, value: { type: 'number', value: 42.5 } });
    expect(parseCustomValue('number-list', '1, 2\n3')).toEqual({ ok: true, value: { type: 'number-list', value: [1, 2, 3] } });
    expect(parseCustomValue('string-list', 'a b,c')).toEqual({ ok: true, value: { type: 'string-list', value: ['a', 'b', 'c'] } });
    expect(parseCustomValue('ip-address-list', '10.0.0.1\n::1\n')).toEqual({ ok: true, value: { type: 'ip-address-list', value: ['10.0.0.1', '::1'] } });
  });

  it('rejects values that are not of the type', () => {
    expect(parseCustomValue('number', 'abc').ok).toBe(false);
    expect(parseCustomValue('number', '1 2').ok).toBe(false);
    expect(parseCustomValue('number-list', '1 x').ok).toBe(false);
    expect(parseCustomValue('ip-address-list', '10.0.0.1 nope').ok).toBe(false);
  });
});

describe('createReportBuilder over a fake /proc', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const header = 'sl local rem st\n';
  function proc(dev: string): string {
    const root = mkdtempSync(join(tmpdir(), 'vigil-proc-'));
    dirs.push(root);
    mkdirSync(join(root, 'net'));
    writeFileSync(join(root, 'net', 'tcp'), `${header}0: 00000000:0016 00000000:0000 0A 0\n1: 0202000C:0050 0A00000A:D431 01 0\n`);
    writeFileSync(join(root, 'net', 'tcp6'), `${header}0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 0\n`);
    writeFileSync(join(root, 'net', 'udp'), `${header}0: 0202000C:0035 00000000:0000 07 0\n1: 0202000C:9C40 08080808:0035 01 0\n`);
    writeFileSync(join(root, 'net', 'dev'), dev);
    return root;
  }
  const dev = (bytesIn: number) => `h1\nh2\n  eth0: ${bytesIn} 10 0 0 0 0 0 0 700 7 0 0 0 0 0 0\n`;
  const interfaces = () => ({ eth0: [{ address: '12.0.2.2', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '', internal: false, cidr: '12.0.2.2/24' }] });

  it('builds a valid report: deduplicated listening ports, bound UDP only, established connections, no stats at first', async () => {
    const time = new FakeTime(Date.UTC(2026, 0, 1));
    const builder = createReportBuilder({ procRoot: proc(dev(1000)), interfaces, clock: time });
    const report = await builder.build();
    expect(report).toEqual({
      header: { reportId: Date.UTC(2026, 0, 1) / 1000, version: '1.0' },
      metrics: {
        listeningTcpPorts: { ports: [{ port: 22 }], total: 1 },
        listeningUdpPorts: { ports: [{ port: 53, interface: 'eth0' }], total: 1 },
        tcpConnections: { establishedConnections: { connections: [{ remoteAddr: '10.0.0.10:54321', localPort: 80, localInterface: 'eth0' }], total: 1 } },
      },
    });
    const wire = decodeReport(encodeReport(report, { format: 'cbor', keys: 'short' }), 'cbor');
    expect(wire.ok).toBe(true);
  });

  it('report ids strictly increase even when the clock does not move', async () => {
    const builder = createReportBuilder({ procRoot: proc(dev(1)), interfaces, clock: new FakeTime(5_000_000) });
    const ids = [(await builder.build()).header.reportId, (await builder.build()).header.reportId, (await builder.build()).header.reportId];
    expect(ids).toEqual([5000, 5001, 5002]);
  });

  it('caps lists at maxListEntries while total keeps the true count', async () => {
    const root = proc(dev(1));
    const lines = Array.from({ length: 5 }, (_, i) => `${i}: 00000000:${(1000 + i).toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A 0`).join('\n');
    writeFileSync(join(root, 'net', 'tcp'), `${header}${lines}\n`);
    const report = await createReportBuilder({ procRoot: root, interfaces, maxListEntries: 2 }).build();
    // 5 IPv4 listeners plus port 22 from tcp6, sorted by port
    expect(report.metrics?.listeningTcpPorts).toEqual({ ports: [{ port: 22 }, { port: 1000 }], total: 6 });
  });

  it('second report carries network_stats deltas from /proc/net/dev', async () => {
    const root = proc(dev(1000));
    const builder = createReportBuilder({ procRoot: root, interfaces });
    await builder.build();
    writeFileSync(join(root, 'net', 'dev'), dev(1600));
    expect((await builder.build()).metrics?.networkStats).toEqual({ bytesIn: 600, bytesOut: 0, packetsIn: 0, packetsOut: 0 });
  });

  it('custom metrics come from commands and files; a failing one is skipped with a warning', async () => {
    const root = proc(dev(1));
    writeFileSync(join(root, 'peers'), '10.0.0.1\n10.0.0.2\n');
    const lines: string[] = [];
    const builder = createReportBuilder({
      procRoot: root,
      interfaces,
      logger: createLogger({ write: (line) => void lines.push(line) }),
      customMetrics: [
        { name: 'temperature', type: 'number', command: 'echo 61.5' },
        { name: 'peers', type: 'ip-address-list', file: join(root, 'peers') },
        { name: 'words', type: 'string-list', command: "printf 'a b\\nc'" },
        { name: 'broken', type: 'number', command: 'exit 3' },
      ],
    });
    const report = await builder.build();
    expect(report.customMetrics).toEqual({
      temperature: { type: 'number', value: 61.5 },
      peers: { type: 'ip-address-list', value: ['10.0.0.1', '10.0.0.2'] },
      words: { type: 'string-list', value: ['a', 'b', 'c'] },
    });
    const warning = JSON.parse(lines.find((l) => l.includes('broken')) ?? '{}') as Record<string, unknown>;
    expect([warning['level'], warning['metric']]).toEqual(['warn', 'broken']);
  });
});
