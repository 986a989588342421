import { isIP } from 'node:net';
import { err, ok, type Result } from '../core/index.js';
import { defaultProtocolLimits, type ProtocolLimits } from './config.js';
import type { CustomMetricValue, DeviceMetrics, EstablishedConnections, ListeningPort, MetricReport, NetworkStats, PortsMetric, TcpConnection } from './metric-report.js';
import { KEY_INDEX, type ObjectKind } from './report-keys.js';
import { ReportRejection } from './report-rejection.js';
import { IOT_NAME } from './aws/names.js';

type Fields = Record<string, unknown>;

/**
 * Thrown inside this file only and turned into a `ReportRejection` by `validateReport`: unwinding
 * from any depth keeps the hot path free of per-field result checks. Not an Error, so no stack is
 * captured for it.
 */
class Invalid {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {}
}

// Performance: the path of the node being checked is kept as a stack of segments (long key names and
// list indexes) and joined into text only when a check fails. Validation is synchronous, so one
// module-level stack is safe.
const trail: Array<string | number> = [];

function pathOf(last?: string | number): string {
  let text = '';
  const segments = last === undefined ? trail : [...trail, last];
  for (const segment of segments) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  return text;
}

function fail(detail: string, last?: string | number): never {
  throw new Invalid(pathOf(last), detail);
}

const VERSION = /^[0-9]{1,9}\.[0-9]{1,9}$/;

/**
 * Validates a decoded JSON/CBOR value against device-defender.md §1.2–1.3 and returns the
 * normalized report. Keys may use either spelling; a field given in both spellings is rejected.
 */
export function validateReport(value: unknown, limits: ProtocolLimits = defaultProtocolLimits): Result<MetricReport, ReportRejection> {
  let reportId: number | undefined;
  trail.length = 0;
  try {
    const root = fields(value, 'root');
    if (root['header'] === undefined) fail('is required', 'header');
    trail.push('header');
    const header = fields(root['header'], 'header');
    reportId = positiveInteger(header['reportId'], 'report_id');
    const version = header['version'];
    if (version === undefined) fail('is required', 'version');
    if (typeof version !== 'string' || !VERSION.test(version)) fail('must be a string "Major.Minor"', 'version');
    trail.pop();
    if (root['metrics'] === undefined && root['customMetrics'] === undefined) fail('a report needs metrics or custom_metrics or both');
    const report: { -readonly [K in keyof MetricReport]: MetricReport[K] } = { header: { reportId, version } };
    if (root['metrics'] !== undefined) report.metrics = deviceMetrics(root['metrics'], limits);
    if (root['customMetrics'] !== undefined) report.customMetrics = customMetrics(root['customMetrics'], limits);
    return ok(report);
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return err(new ReportRejection('invalid_payload', error.detail, { path: error.path, reportId }));
  } finally {
    trail.length = 0;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Reads an object of a known kind (at the current trail) into `{ field: value }`, rejecting unknown and doubled keys. */
function fields(value: unknown, kind: ObjectKind): Fields {
  if (!isPlainObject(value)) fail('must be an object');
  const index = KEY_INDEX[kind].byWire;
  const out: Fields = {};
  for (const key in value) {
    const entry = index.get(key);
    if (entry === undefined) fail('is not a known key', key);
    const [field, long] = entry;
    if (out[field] !== undefined) fail('is given twice (long and short key)', long);
    const item = value[key];
    if (item === undefined) fail('must not be undefined', long);
    out[field] = item;
  }
  return out;
}

/** Checks a list at `trail + key`; leaves `key` pushed on the trail (callers pop it). */
function list(value: unknown, key: string, limits: ProtocolLimits): unknown[] {
  trail.push(key);
  if (!Array.isArray(value)) fail('must be a list');
  if (value.length > limits.maxListEntries) fail(`has ${value.length} entries, more than the limit of ${limits.maxListEntries}`);
  return value;
}

function positiveInteger(value: unknown, key: string): number {
  if (value === undefined) fail('is required', key);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) fail('must be a positive integer', key);
  return value;
}

function count(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail('must be an integer >= 0', key);
  return value;
}

function port(value: unknown, key: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65535) fail(`must be ${min}..65535`, key);
  return value;
}

function string(value: unknown, key: string | number): string {
  if (typeof value !== 'string') fail('must be a string', key);
  return value;
}

/**
 * An optional descriptive string (an interface name or address, a status): null is the same as
 * absent. AWS's Python agent writes `"local_interface": null` for connections it cannot map to an
 * interface (dual-stack listeners: `::ffff:127.0.0.1`); any text is kept as given (`"::"`, `eth0`).
 */
function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return string(value, key);
}

function deviceMetrics(value: unknown, limits: ProtocolLimits): DeviceMetrics {
  trail.push('metrics');
  const f = fields(value, 'metrics');
  const out: { -readonly [K in keyof DeviceMetrics]: DeviceMetrics[K] } = {};
  if (f['listeningTcpPorts'] !== undefined) out.listeningTcpPorts = portsMetric(f['listeningTcpPorts'], 'listening_tcp_ports', limits);
  if (f['listeningUdpPorts'] !== undefined) out.listeningUdpPorts = portsMetric(f['listeningUdpPorts'], 'listening_udp_ports', limits);
  if (f['networkStats'] !== undefined) out.networkStats = networkStats(f['networkStats']);
  if (f['tcpConnections'] !== undefined) {
    trail.push('tcp_connections');
    const tc = fields(f['tcpConnections'], 'tcpConnections');
    out.tcpConnections = tc['establishedConnections'] === undefined ? {} : { establishedConnections: established(tc['establishedConnections'], limits) };
    trail.pop();
  }
  trail.pop();
  return out;
}

function portsMetric(value: unknown, key: string, limits: ProtocolLimits): PortsMetric {
  trail.push(key);
  const f = fields(value, 'portsMetric');
  const out: { -readonly [K in keyof PortsMetric]: PortsMetric[K] } = {};
  if (f['ports'] !== undefined) {
    const items = list(f['ports'], 'ports', limits);
    const ports: ListeningPort[] = new Array<ListeningPort>(items.length);
    for (let i = 0; i < items.length; i++) {
      trail.push(i);
      const p = fields(items[i], 'port');
      const entry: { -readonly [K in keyof ListeningPort]: ListeningPort[K] } = {};
      if (p['port'] !== undefined) entry.port = port(p['port'], 'port', 1);
      const iface = optionalString(p['interface'], 'interface');
      if (iface !== undefined) entry.interface = iface;
      ports[i] = entry;
      trail.pop();
    }
    out.ports = ports;
    trail.pop();
  }
  if (f['total'] !== undefined) out.total = count(f['total'], 'total');
  trail.pop();
  return out;
}

function networkStats(value: unknown): NetworkStats {
  trail.push('network_stats');
  const f = fields(value, 'networkStats');
  const out: { -readonly [K in keyof NetworkStats]: NetworkStats[K] } = {};
  if (f['bytesIn'] !== undefined) out.bytesIn = count(f['bytesIn'], 'bytes_in');
  if (f['bytesOut'] !== undefined) out.bytesOut = count(f['bytesOut'], 'bytes_out');
  if (f['packetsIn'] !== undefined) out.packetsIn = count(f['packetsIn'], 'packets_in');
  if (f['packetsOut'] !== undefined) out.packetsOut = count(f['packetsOut'], 'packets_out');
  trail.pop();
  return out;
}

function established(value: unknown, limits: ProtocolLimits): EstablishedConnections {
  trail.push('established_connections');
  const f = fields(value, 'establishedConnections');
  const out: { -readonly [K in keyof EstablishedConnections]: EstablishedConnections[K] } = {};
  if (f['connections'] !== undefined) {
    const items = list(f['connections'], 'connections', limits);
    const connections = new Array<TcpConnection>(items.length);
    for (let i = 0; i < items.length; i++) {
      trail.push(i);
      connections[i] = connection(items[i]);
      trail.pop();
    }
    out.connections = connections;
    trail.pop();
  }
  if (f['total'] !== undefined) out.total = count(f['total'], 'total');
  trail.pop();
  return out;
}

function connection(value: unknown): TcpConnection {
  const f = fields(value, 'connection');
  if (f['remoteAddr'] === undefined) fail('is required', 'remote_addr');
  const remoteAddr = string(f['remoteAddr'], 'remote_addr');
  if (!isRemoteAddr(remoteAddr)) fail('must be "ip:port" or "[ipv6]:port"', 'remote_addr');
  const out: { -readonly [K in keyof TcpConnection]: TcpConnection[K] } = { remoteAddr };
  if (f['localPort'] !== undefined) out.localPort = port(f['localPort'], 'local_port', 0);
  const localInterface = optionalString(f['localInterface'], 'local_interface');
  if (localInterface !== undefined) out.localInterface = localInterface;
  if (f['remotePort'] !== undefined) out.remotePort = port(f['remotePort'], 'remote_port', 0);
  const status = optionalString(f['status'], 'status');
  if (status !== undefined) out.status = status;
  return out;
}

const PORT_TEXT = /^[0-9]{1,5}$/;

/** `1.2.3.4:80`, `[2001:db8::1]:443`, and (tolerated) unbracketed `2001:db8::1:443`. */
export function isRemoteAddr(text: string): boolean {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']:');
    if (close < 0) return false;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (isIP(host) !== 6) return false;
  } else {
    const cut = text.lastIndexOf(':');
    if (cut < 0) return false;
    host = text.slice(0, cut);
    portText = text.slice(cut + 1);
    if (isIP(host) === 0) return false;
  }
  if (!PORT_TEXT.test(portText)) return false;
  const value = Number(portText);
  return value >= 1 && value <= 65535;
}

function customMetrics(value: unknown, limits: ProtocolLimits): Record<string, CustomMetricValue> {
  trail.push('custom_metrics');
  if (!isPlainObject(value)) fail('must be an object');
  const out: Record<string, CustomMetricValue> = {};
  let n = 0;
  for (const name in value) {
    if (++n > limits.maxListEntries) fail(`has more than the limit of ${limits.maxListEntries} metrics`);
    if (!IOT_NAME.pattern.test(name)) fail(`name must be ${IOT_NAME.rule}`, name);
    if (name.startsWith('aws:')) fail('name must not start with "aws:"', name);
    // cbor-x decodes a `__proto__` map key as `__proto_`, so this one name cannot cross CBOR intact.
    if (name === '__proto__') fail('name "__proto__" is reserved', name);
    trail.push(name);
    // §1.3: the value is always an array holding one object, even for type `number`.
    const wrapper = value[name];
    if (!Array.isArray(wrapper) || wrapper.length !== 1) fail('must be a list of exactly one object');
    trail.push(0);
    const item: unknown = wrapper[0];
    if (!isPlainObject(item)) fail('must be an object');
    let parsed: CustomMetricValue | undefined;
    for (const key in item) {
      if (parsed !== undefined) fail('must have exactly one of number, number_list, string_list, ip_list');
      parsed = customValue(key, item[key], limits);
    }
    if (parsed === undefined) fail('must have exactly one of number, number_list, string_list, ip_list');
    out[name] = parsed;
    trail.length -= 2;
  }
  trail.pop();
  return out;
}

function finite(value: unknown, key: string | number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a finite number', key);
  return value;
}

function customValue(key: string, value: unknown, limits: ProtocolLimits): CustomMetricValue {
  switch (key) {
    case 'number':
      return { type: 'number', value: finite(value, key) };
    case 'number_list': {
      const items = list(value, key, limits);
      const numbers = new Array<number>(items.length);
      for (let i = 0; i < items.length; i++) numbers[i] = finite(items[i], i);
      trail.pop();
      return { type: 'number-list', value: numbers };
    }
    case 'string_list':
    case 'ip_list': {
      // §1.3: character and IP-syntax rules are data requirements (not shown/retained), not wire rules.
      const items = list(value, key, limits);
      const strings = new Array<string>(items.length);
      for (let i = 0; i < items.length; i++) strings[i] = string(items[i], i);
      trail.pop();
      return key === 'ip_list' ? { type: 'ip-address-list', value: strings } : { type: 'string-list', value: strings };
    }
    default:
      return fail('is not a custom metric type (number, number_list, string_list, ip_list)', key);
  }
}
