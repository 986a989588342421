import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interfaceLookup } from './interfaces.js';
import { formatAddress, parseProcNetDev, parseProcNetSockets, type SocketEntry } from './proc-net.js';

const dir = fileURLToPath(new URL('../../test/fixtures/proc-net/', import.meta.url));
const fixture = (name: string): string => readFileSync(dir + name, 'utf8');
const expected = JSON.parse(fixture('expected.json')) as Record<'tcp' | 'tcp6' | 'udp' | 'udp6', SocketEntry[]>;
const key = (e: SocketEntry): string => `${e.localAddress}|${e.localPort}|${e.remoteAddress}|${e.remotePort}|${e.state}`;
const sorted = (entries: readonly SocketEntry[]): string[] => entries.map(key).sort();

describe('recorded /proc/net fixtures (written by test/fixtures/proc-net/record.mjs)', () => {
  for (const name of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    it(`${name} parses to exactly the sockets Node reported when it was recorded`, () => {
      const parsed = parseProcNetSockets(fixture(name), name.startsWith('tcp') ? 'tcp' : 'udp');
      expect(parsed).toHaveLength(expected[name].length);
      expect(sorted(parsed)).toEqual(sorted(expected[name]));
    });
  }

  it('the many-sockets tcp fixture holds over 200 sockets, listeners and both ends of each connection', () => {
    const parsed = parseProcNetSockets(fixture('tcp'), 'tcp');
    expect(parsed.length).toBeGreaterThan(200);
    expect(parsed.filter((e) => e.state === 0x0a).length).toBeGreaterThanOrEqual(2);
  });

  it('tcp6 has IPv6 listeners and the IPv4-mapped end of a dual-stack connection as IPv4', () => {
    const parsed = parseProcNetSockets(fixture('tcp6'), 'tcp');
    expect(parsed.some((e) => e.localAddress === '::' && e.state === 0x0a)).toBe(true);
    expect(parsed.some((e) => e.localAddress === '::1' && e.state === 0x0a)).toBe(true);
    expect(parsed.some((e) => e.localAddress === '127.0.0.1' && e.remoteAddress === '127.0.0.1' && e.state === 0x01)).toBe(true);
  });

  it('dev parses the recorded interface counters', () => {
    const counters = parseProcNetDev(fixture('dev'));
    expect(counters.map((c) => c.name)).toContain('lo');
    for (const c of counters) expect(Object.values(c).slice(1).every((n) => Number.isSafeInteger(n) && n >= 0)).toBe(true);
  });
});

describe('parseProcNetSockets', () => {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  it('reads little-endian IPv4 words and hex ports', () => {
    const text = `${header}   0: 0100007F:1F90 0101A8C0:C350 01 00000000:00000000 00:00000000 00000000  1000        0 1 1 0\n`;
    expect(parseProcNetSockets(text, 'tcp')).toEqual([{ protocol: 'tcp', localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '192.168.1.1', remotePort: 50000, state: 1 }]);
  });

  it('reads big-endian hosts when told so', () => {
    const text = `${header}   0: 7F000001:0016 00000000:0000 0A 0\n`;
    expect(parseProcNetSockets(text, 'tcp', false)[0]?.localAddress).toBe('127.0.0.1');
  });

  it('reads IPv6 words (each reversed) and maps ::ffff:a.b.c.d to IPv4', () => {
    const v6 = 'B80D0120000000000000000001000000'; // 2001:db8::1
    const mapped = '0000000000000000FFFF00000100007F'; // ::ffff:127.0.0.1
    const text = `${header}   0: ${v6}:01BB ${mapped}:0050 01 0\n   1: garbage\n`;
    expect(parseProcNetSockets(text, 'tcp')).toEqual([{ protocol: 'tcp', localAddress: '2001:db8::1', localPort: 443, remoteAddress: '127.0.0.1', remotePort: 80, state: 1 }]);
  });

  it('formats IPv6 in RFC 5952 form', () => {
    const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
    expect(formatAddress(bytes('00000000000000000000000000000000'))).toBe('::');
    expect(formatAddress(bytes('00000000000000000000000000000001'))).toBe('::1');
    expect(formatAddress(bytes('fe800000000000000000000000000001'))).toBe('fe80::1');
    expect(formatAddress(bytes('20010db8000000010000000000000001'))).toBe('2001:db8:0:1::1');
    expect(formatAddress(bytes('20010db8000100010001000100010001'))).toBe('2001:db8:1:1:1:1:1:1');
  });
});

describe('interfaceLookup', () => {
  const lookup = interfaceLookup({
    lo: [
      { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: '127.0.0.1/8' },
      { address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', family: 'IPv6', mac: '', internal: true, cidr: '::1/128', scopeid: 0 },
    ],
    eth0: [{ address: '192.0.2.2', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: '192.0.2.2/24' }],
  });
  it('finds exact addresses and IPv4 subnets, and nothing for wildcards or unknown addresses', () => {
    expect([lookup('127.0.0.1'), lookup('::1'), lookup('192.0.2.2'), lookup('127.0.0.53')]).toEqual(['lo', 'lo', 'eth0', 'lo']);
    expect([lookup('0.0.0.0'), lookup('::'), lookup('10.0.0.1'), lookup('fd00::9')]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('parseProcNetDev', () => {
  it('reads receive bytes/packets (columns 1–2) and transmit bytes/packets (columns 9–10)', () => {
    const text = 'Inter-|   Receive |  Transmit\n face |bytes packets ...\n  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n';
    expect(parseProcNetDev(text)).toEqual([{ name: 'eth0', bytesIn: 1000, packetsIn: 10, bytesOut: 2000, packetsOut: 20 }]);
  });
});
