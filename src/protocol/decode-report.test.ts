import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborEncode } from './cbor.js';
import { protocolLimits } from './config.js';
import { decodeReport } from './decode-report.js';
import { encodeReport } from './encode-report.js';
import { ReportRejection } from './report-rejection.js';
import { isRemoteAddr } from './validate-report.js';
import type { CustomMetricValue, MetricReport } from './metric-report.js';

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const count = fc.maxSafeNat();
const iface = fc.constantFrom('eth0', 'wlan0', 'lo', 'enp3s0', 'wg-0');
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();
const remoteAddr = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 1, max: 65535 })).map(([ip, p]) => `${ip}:${p}`),
  fc.tuple(ipv6, fc.integer({ min: 1, max: 65535 })).map(([ip, p]) => `[${ip}]:${p}`),
);

/** Drops keys whose value is undefined, as a decoded report never has them. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const portsMetric = fc
  .record({ ports: opt(fc.array(fc.record({ port: opt(fc.integer({ min: 1, max: 65535 })), interface: opt(iface) }).map(compact), { maxLength: 8 })), total: opt(count) })
  .map(compact);

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
const customValue: fc.Arbitrary<CustomMetricValue> = fc.oneof(
  finiteDouble.map((value) => ({ type: 'number' as const, value })),
  fc.array(finiteDouble, { maxLength: 6 }).map((value) => ({ type: 'number-list' as const, value })),
  fc.array(fc.string({ maxLength: 12 }), { maxLength: 6 }).map((value) => ({ type: 'string-list' as const, value })),
  fc.array(fc.oneof(ipv4, ipv6), { maxLength: 6 }).map((value) => ({ type: 'ip-address-list' as const, value })),
);
const metricName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,40}$/).filter((n) => !n.startsWith('aws:') && n !== '__proto__');

const metrics = fc
  .record({
    listeningTcpPorts: opt(portsMetric),
    listeningUdpPorts: opt(portsMetric),
    networkStats: opt(fc.record({ bytesIn: opt(count), bytesOut: opt(count), packetsIn: opt(count), packetsOut: opt(count) }).map(compact)),
    tcpConnections: opt(
      fc.record({
        establishedConnections: opt(
          fc
            .record({
              connections: opt(
                fc.array(
                  fc.record({ remoteAddr, localPort: opt(fc.integer({ min: 0, max: 65535 })), localInterface: opt(iface), remotePort: opt(fc.integer({ min: 0, max: 65535 })), status: opt(fc.constantFrom('ESTABLISHED')) }).map(compact),
                  { maxLength: 6 },
                ),
              ),
              total: opt(count),
            })
            .map(compact),
        ),
      }).map(compact),
    ),
  })
  .map(compact);

/** Any valid report (values inside every rule of §1.2–1.3). */
const validReport: fc.Arbitrary<MetricReport> = fc
  .record({
    header: fc.record({ reportId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), version: fc.constantFrom('1.0', '1.1', '2.0') }),
    metrics: opt(metrics),
    customMetrics: opt(fc.dictionary(metricName, customValue, { maxKeys: 5 })),
  })
  .map(compact)
  .filter((r) => r.metrics !== undefined || r.customMetrics !== undefined);

const utf8 = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const formats = ['json', 'cbor'] as const;
const styles = ['long', 'short'] as const;

describe('decodeReport properties', () => {
  for (const format of formats) {
    for (const keys of styles) {
      it(`encode → decode is the identity on valid reports (${format}, ${keys} keys)`, () => {
        fc.assert(
          fc.property(validReport, (report) => {
            const result = decodeReport(encodeReport(report, { format, keys }), format);
            expect(result).toEqual({ ok: true, value: report });
          }),
          { numRuns: 300 },
        );
      });
    }

    it(`decoding arbitrary bytes never throws; it returns a rejection (${format})`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (payload) => {
          const result = decodeReport(payload, format);
          if (!result.ok) expect(result.error).toBeInstanceOf(ReportRejection);
        }),
        { numRuns: 2000 },
      );
    });

    it(`decoding arbitrary JSON-like values never throws (${format})`, () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const payload = format === 'json' ? utf8(value) : cborEncode(value);
          const result = decodeReport(payload, format);
          if (!result.ok) expect(result.error.awsCode).toBe('InvalidPayload');
        }),
        { numRuns: 1000 },
      );
    });
  }

  it('decoding a valid report with one byte flipped never throws', () => {
    fc.assert(
      fc.property(validReport, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom(...formats), (report, at, value, format) => {
        const payload = encodeReport(report, { format, keys: 'short' });
        payload[at % payload.length] = value;
        const result = decodeReport(payload, format);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decodeReport limits', () => {
  const report = (ports: number) => ({ hed: { rid: 5, v: '1.0' }, met: { tp: { pts: Array.from({ length: ports }, (_, i) => ({ pt: i + 1 })), t: ports } } });

  it('accepts exactly max_list_entries entries and rejects one more, naming the list', () => {
    const limits = protocolLimits({ max_list_entries: 10 });
    expect(decodeReport(utf8(report(10)), 'json', limits).ok).toBe(true);
    const result = decodeReport(utf8(report(11)), 'json', limits);
    expect(!result.ok && result.error.path).toBe('metrics.listening_tcp_ports.ports');
    expect(!result.ok && result.error.reportId).toBe(5);
  });

  it('the default list limit is 1000', () => {
    expect(decodeReport(utf8(report(1000)), 'json').ok).toBe(true);
    expect(decodeReport(utf8(report(1001)), 'json').ok).toBe(false);
  });

  it('the list limit also caps custom-metric lists and the number of custom metrics', () => {
    const limits = protocolLimits({ max_list_entries: 3 });
    const list = { hed: { rid: 1, v: '1.0' }, cmet: { m: [{ number_list: [1, 2, 3, 4] }] } };
    expect(!decodeReport(utf8(list), 'json', limits).ok && 'rejected').toBe('rejected');
    const many = { hed: { rid: 1, v: '1.0' }, cmet: { a: [{ number: 1 }], b: [{ number: 1 }], c: [{ number: 1 }], d: [{ number: 1 }] } };
    const result = decodeReport(utf8(many), 'json', limits);
    expect(!result.ok && result.error.path).toBe('custom_metrics');
  });

  it('rejects a payload over max_report_bytes as report.too_large before parsing it, in both formats', () => {
    const limits = protocolLimits({ max_report_bytes: 64 });
    for (const format of formats) {
      const result = decodeReport(new Uint8Array(65), format, limits);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('report.too_large');
      expect(result.error.awsCode).toBe('InvalidPayload');
    }
    expect(decodeReport(new Uint8Array(128 * 1024 + 1), 'json').ok).toBe(false);
  });

  it('rejects JSON that is not valid UTF-8', () => {
    const result = decodeReport(Uint8Array.from([0x7b, 0xff, 0x7d]), 'json');
    expect(!result.ok && result.error.code).toBe('report.invalid_payload');
  });

  it('a custom metric named __proto__ is rejected in JSON and never changes a prototype', () => {
    const payload = new TextEncoder().encode('{"hed":{"rid":1,"v":"1.0"},"cmet":{"__proto__":[{"number":3}]}}');
    const result = decodeReport(payload, 'json');
    expect(!result.ok && result.error.path).toBe('custom_metrics.__proto__');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('the rejection names the report id when it could be read', () => {
    const result = decodeReport(utf8({ hed: { rid: 42, v: '1.0' }, met: { ns: { bi: -1 } } }), 'json');
    expect(!result.ok && result.error.reportId).toBe(42);
    expect(!result.ok && result.error.message).toBe('metrics.network_stats.bytes_in: must be an integer >= 0');
  });
});

describe('isRemoteAddr', () => {
  it.each(['1.2.3.4:80', '[2001:db8::1]:443', '[::ffff:10.0.0.1]:22', '2001:db8::1:443'])('accepts %s', (text) => expect(isRemoteAddr(text)).toBe(true));
  it.each(['1.2.3.4', '1.2.3.4:0', '1.2.3.4:65536', '[1.2.3.4]:80', '[2001:db8::1]', 'host:80', '1.2.3.4:8a', ':80', '[::1]:'])('rejects %s', (text) => expect(isRemoteAddr(text)).toBe(false));
});

describe("reports AWS's own agents write", () => {
  // The shape of AWS's Python Device Defender agent on a dual-stack host: listeners report the bound
  // address as `interface`, a connection it cannot map to an interface has `"local_interface": null`.
  // Keys mix the long and short spellings (device-defender.md §1.2 allows either per key), and a
  // custom number is a float.
  const report = {
    header: { report_id: 1733580000, version: '1.0' },
    metrics: {
      listening_tcp_ports: { ports: [{ interface: '::', port: 22 }, { if: '0.0.0.0', pt: 8883 }], total: 2 },
      up: { ports: [{ interface: '::ffff:127.0.0.1', port: 5353 }], t: 1 },
      tcp_connections: { ec: { connections: [{ local_interface: null, local_port: 8883, remote_addr: '[::ffff:127.0.0.1]:51234' }, { li: 'eth0', lp: 22, rad: '10.0.0.9:40022' }], total: 2 } },
      ns: { bi: 1024, bytes_out: 2048, pi: 10, packets_out: 20 },
    },
    custom_metrics: { cpu_temperature: [{ number: 47.25 }], load: [{ number_list: [0.5, 1.25] }] },
  };

  it('accepts null local_interface, address-valued interface, mixed short/long keys and float custom metrics', () => {
    const decoded = decodeReport(new TextEncoder().encode(JSON.stringify(report)), 'json');
    expect(decoded.ok).toBe(true);
    expect(decoded.ok && decoded.value).toEqual({
      header: { reportId: 1733580000, version: '1.0' },
      metrics: {
        listeningTcpPorts: { ports: [{ interface: '::', port: 22 }, { interface: '0.0.0.0', port: 8883 }], total: 2 },
        listeningUdpPorts: { ports: [{ interface: '::ffff:127.0.0.1', port: 5353 }], total: 1 },
        tcpConnections: { establishedConnections: { connections: [{ localPort: 8883, remoteAddr: '[::ffff:127.0.0.1]:51234' }, { localInterface: 'eth0', localPort: 22, remoteAddr: '10.0.0.9:40022' }], total: 2 } },
        networkStats: { bytesIn: 1024, bytesOut: 2048, packetsIn: 10, packetsOut: 20 },
      },
      customMetrics: { cpu_temperature: { type: 'number', value: 47.25 }, load: { type: 'number-list', value: [0.5, 1.25] } },
    });
    const cbor = decodeReport(cborEncode(report), 'cbor');
    expect(cbor.ok && cbor.value).toEqual(decoded.ok && decoded.value);
  });

  it('null stays an error where a value is required or numeric (total, port)', () => {
    const bad = decodeReport(new TextEncoder().encode(JSON.stringify({ ...report, metrics: { listening_tcp_ports: { ports: [{ interface: '::', port: null }] } } })), 'json');
    expect(!bad.ok && bad.error.message).toBe('metrics.listening_tcp_ports.ports[0].port: must be 1..65535');
  });
});
