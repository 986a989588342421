import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cborEncode } from './cbor.js';
import { decodeReport } from './decode-report.js';
import { encodeReport } from './encode-report.js';
import type { MetricReport, ReportFormat } from './metric-report.js';
import { acceptedResponse, decodeResponse, encodeResponse, rejectedResponse } from './responses.js';
import { ReportRejection } from './report-rejection.js';

const dir = fileURLToPath(new URL('../../test/fixtures/device-defender/', import.meta.url));
const text = (name: string): string => readFileSync(dir + name, 'utf8');
const json = <T>(name: string): T => JSON.parse(text(name)) as T;
const hex = (name: string): Uint8Array => Buffer.from(text(name).trim(), 'hex');
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

function decoded(payload: Uint8Array, format: ReportFormat): MetricReport {
  const result = decodeReport(payload, format);
  if (!result.ok) throw new Error(`rejected: ${result.error.message}`);
  return result.value;
}

describe('device-defender.md §1.4 examples', () => {
  const examples = [
    { file: 'long-keys.json', normalized: 'long-keys.normalized.json', keys: 'long' },
    { file: 'short-keys.json', normalized: 'short-keys.normalized.json', keys: 'short' },
  ] as const;

  for (const example of examples) {
    it(`${example.file} decodes to its normalized form, from JSON and from CBOR`, () => {
      const expected = json<MetricReport>(example.normalized);
      expect(decoded(bytes(text(example.file)), 'json')).toEqual(expected);
      expect(decoded(cborEncode(json(example.file)), 'cbor')).toEqual(expected);
    });

    it(`${example.file} is what the encoder writes with ${example.keys} keys, in JSON and CBOR`, () => {
      const report = json<MetricReport>(example.normalized);
      const document: unknown = json(example.file);
      const asJson = encodeReport(report, { format: 'json', keys: example.keys });
      expect(JSON.parse(new TextDecoder().decode(asJson))).toEqual(document);
      const asCbor = encodeReport(report, { format: 'cbor', keys: example.keys });
      expect(decoded(asCbor, 'cbor')).toEqual(report);
    });
  }

  it('the minimal short-key CBOR report (hand-assembled bytes) decodes, definite and indefinite lengths', () => {
    const expected = json<MetricReport>('minimal-short.normalized.json');
    expect(decoded(hex('minimal-short.cbor.hex'), 'cbor')).toEqual(expected);
    expect(decoded(hex('minimal-short-indefinite.cbor.hex'), 'cbor')).toEqual(expected);
  });

  it('the encoder writes the minimal report as exactly those CBOR bytes', () => {
    const report = json<MetricReport>('minimal-short.normalized.json');
    const ours = Buffer.from(encodeReport(report, { format: 'cbor', keys: 'short' }));
    // cbor-x writes map headers in a fixed 3-byte form; compare structure through an independent decode of both.
    expect(decoded(ours, 'cbor')).toEqual(decoded(hex('minimal-short.cbor.hex'), 'cbor'));
    expect(ours.includes(Buffer.from('1a5b369acc', 'hex'))).toBe(true);
  });

  it('64-bit counters arrive as CBOR unsigned integers and are written back as such', () => {
    const report = decoded(hex('uint64-counters.cbor.hex'), 'cbor');
    expect(report.metrics?.networkStats).toEqual({ bytesIn: 29359307173, bytesOut: 1, packetsIn: 10014614051, packetsOut: 1 });
    const again = Buffer.from(encodeReport(report, { format: 'cbor', keys: 'short' }));
    expect(again.includes(Buffer.from('1b00000006d5f379a5', 'hex'))).toBe(true);
  });

  it('long and short keys may be mixed within one report', () => {
    const mixed = { hed: { report_id: 7, v: '1.0' }, metrics: { tp: { ports: [{ pt: 22, interface: 'eth0' }], t: 1 } } };
    expect(decoded(bytes(JSON.stringify(mixed)), 'json')).toEqual({ header: { reportId: 7, version: '1.0' }, metrics: { listeningTcpPorts: { ports: [{ port: 22, interface: 'eth0' }], total: 1 } } });
  });

  it('the Python agent extra keys remote_port/rp and status/s are tolerated and kept', () => {
    const report = { hed: { rid: 9, v: '1.0' }, met: { tc: { ec: { cs: [{ rad: '10.0.0.1:443', rp: 443, s: 'ESTABLISHED' }], t: 1 } } } };
    expect(decoded(bytes(JSON.stringify(report)), 'json').metrics?.tcpConnections?.establishedConnections?.connections).toEqual([{ remoteAddr: '10.0.0.1:443', remotePort: 443, status: 'ESTABLISHED' }]);
  });
});

describe('device-defender.md §1.5 responses', () => {
  it('accepted.json decodes and is what acceptedResponse encodes, JSON and CBOR', () => {
    const fixture = json<{ thingName: string; reportId: number; timestamp: number }>('accepted.json');
    const response = acceptedResponse(fixture.thingName, fixture.reportId, fixture.timestamp);
    expect(JSON.parse(new TextDecoder().decode(encodeResponse(response, 'json')))).toEqual(fixture);
    expect(decodeResponse(bytes(text('accepted.json')), 'json')).toEqual({ ok: true, value: fixture });
    expect(decodeResponse(encodeResponse(response, 'cbor'), 'cbor')).toEqual({ ok: true, value: fixture });
  });

  it('rejected.json decodes; rejectedResponse is exactly its shape plus reportId (no key AWS does not send)', () => {
    const fixture = json<Record<string, unknown>>('rejected.json');
    expect(decodeResponse(bytes(text('rejected.json')), 'json')).toEqual({ ok: true, value: fixture });
    const rejection = new ReportRejection('invalid_payload', 'must be 1..65535', { path: 'metrics.listening_tcp_ports.ports[3].port', reportId: 12334567 });
    const response = rejectedResponse('myThing', rejection, 1635802047699);
    const wire = JSON.parse(new TextDecoder().decode(encodeResponse(response, 'json'))) as Record<string, unknown>;
    expect(wire).toEqual({ ...fixture, reportId: 12334567, statusDetails: { ErrorCode: 'InvalidPayload', ErrorMessage: 'Malformed metrics report' } });
    expect(decodeResponse(encodeResponse(response, 'cbor'), 'cbor')).toEqual({ ok: true, value: wire });
  });

  it('a rejection of a report whose id could not be read has no reportId', () => {
    const response = rejectedResponse('t', new ReportRejection('invalid_payload', 'not valid JSON'), 1);
    expect('reportId' in response).toBe(false);
  });
});

interface MalformedCase {
  readonly name: string;
  readonly format: ReportFormat;
  readonly report?: unknown;
  readonly raw?: string;
  readonly rawHex?: string;
  readonly path: string;
}

describe('malformed reports (one per rule of §1.2–1.3)', () => {
  const { cases } = json<{ cases: MalformedCase[] }>('malformed.json');
  it('the fixture covers at least 60 cases', () => expect(cases.length).toBeGreaterThanOrEqual(60));
  for (const c of cases) {
    it(`rejects: ${c.name} at "${c.path}"`, () => {
      const payload = c.rawHex !== undefined ? Buffer.from(c.rawHex, 'hex') : c.raw !== undefined ? bytes(c.raw) : c.format === 'json' ? bytes(JSON.stringify(c.report)) : cborEncode(c.report);
      const result = decodeReport(payload, c.format);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(ReportRejection);
      expect(result.error.path ?? '').toBe(c.path);
      expect(result.error.code).toBe('report.invalid_payload');
      expect(result.error.awsCode).toBe('InvalidPayload');
      expect(result.error.awsMessage).toBe('Malformed metrics report');
    });
  }
});
