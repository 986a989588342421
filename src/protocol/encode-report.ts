import { cborEncode } from './cbor.js';
import { CUSTOM_METRIC_KEYS, type DeviceMetrics, type KeyStyle, type MetricReport, type PortsMetric, type ReportFormat } from './metric-report.js';
import { REPORT_KEYS, type ObjectKind } from './report-keys.js';

export interface EncodeOptions {
  readonly format: ReportFormat;
  readonly keys: KeyStyle;
}

type Wire = Record<string, unknown>;

/** The report as the plain document a device would send (before JSON or CBOR encoding). */
export function reportDocument(report: MetricReport, keys: KeyStyle): Wire {
  const k = keys === 'long' ? 0 : 1;
  const put = (kind: ObjectKind, out: Wire, field: string, value: unknown): void => {
    if (value === undefined) return;
    const spellings = (REPORT_KEYS[kind] as Record<string, readonly [string, string]>)[field];
    if (spellings === undefined) throw new Error(`no key for ${kind}.${field}`);
    out[spellings[k]] = value;
  };
  const object = <T extends object>(kind: ObjectKind, value: T, map: (field: keyof T & string, item: unknown) => unknown = (_f, item) => item): Wire => {
    const out: Wire = {};
    for (const field of Object.keys(REPORT_KEYS[kind])) {
      const item = (value as Record<string, unknown>)[field];
      if (item !== undefined) put(kind, out, field, map(field as keyof T & string, item));
    }
    return out;
  };
  const ports = (value: PortsMetric): Wire => object('portsMetric', value, (field, item) => (field === 'ports' ? value.ports?.map((p) => object('port', p)) : item));
  const metrics = (value: DeviceMetrics): Wire =>
    object('metrics', value, (field) => {
      switch (field) {
        case 'listeningTcpPorts':
        case 'listeningUdpPorts':
          return ports(value[field] as PortsMetric);
        case 'networkStats':
          return object('networkStats', value.networkStats ?? {});
        case 'tcpConnections': {
          const ec = value.tcpConnections?.establishedConnections;
          return object('tcpConnections', {
            establishedConnections: ec === undefined ? undefined : object('establishedConnections', ec, (f, item) => (f === 'connections' ? ec.connections?.map((c) => object('connection', c)) : item)),
          });
        }
      }
    });
  const root: Wire = {};
  put('root', root, 'header', object('header', report.header));
  if (report.metrics !== undefined) put('root', root, 'metrics', metrics(report.metrics));
  if (report.customMetrics !== undefined) {
    const custom: Wire = {};
    for (const [name, metric] of Object.entries(report.customMetrics)) {
      const entry = [{ [CUSTOM_METRIC_KEYS[metric.type]]: metric.value }];
      if (name === '__proto__') Object.defineProperty(custom, name, { value: entry, enumerable: true, writable: true, configurable: true });
      else custom[name] = entry;
    }
    put('root', root, 'customMetrics', custom);
  }
  return root;
}

/** Encodes a report in either format with either key style. */
export function encodeReport(report: MetricReport, options: EncodeOptions): Uint8Array {
  const document = reportDocument(report, options.keys);
  return options.format === 'json' ? new TextEncoder().encode(JSON.stringify(document)) : cborEncode(document);
}
