/**
 * The normalized Device Defender metrics report: one shape whatever the wire format (JSON, CBOR)
 * and key spelling (long, short). Field names are the long keys in camelCase.
 */
export interface MetricReport {
  readonly header: ReportHeader;
  readonly metrics?: DeviceMetrics;
  readonly customMetrics?: Readonly<Record<string, CustomMetricValue>>;
}

export interface ReportHeader {
  /** Positive, strictly increasing per thing; epoch seconds by convention. */
  readonly reportId: number;
  /** `Major.Minor`, in practice always `"1.0"`. */
  readonly version: string;
}

export interface DeviceMetrics {
  readonly listeningTcpPorts?: PortsMetric;
  readonly listeningUdpPorts?: PortsMetric;
  readonly networkStats?: NetworkStats;
  readonly tcpConnections?: TcpConnections;
}

export interface PortsMetric {
  readonly ports?: readonly ListeningPort[];
  /** The true count; `ports` may be a sample of it. */
  readonly total?: number;
}

export interface ListeningPort {
  readonly port?: number;
  readonly interface?: string;
}

/** Deltas since the previous report of the same device. */
export interface NetworkStats {
  readonly bytesIn?: number;
  readonly bytesOut?: number;
  readonly packetsIn?: number;
  readonly packetsOut?: number;
}

export interface TcpConnections {
  readonly establishedConnections?: EstablishedConnections;
}

export interface EstablishedConnections {
  readonly connections?: readonly TcpConnection[];
  readonly total?: number;
}

export interface TcpConnection {
  /** `ip:port` or `[ipv6]:port`. */
  readonly remoteAddr: string;
  readonly localPort?: number;
  readonly localInterface?: string;
  /** Only sent by the AWS Python agent; tolerated and kept. */
  readonly remotePort?: number;
  /** Only sent by the AWS Python agent; tolerated and kept. */
  readonly status?: string;
}

/** The API's `CustomMetricType` names, each with the report key that carries its value. */
export type CustomMetricValue =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'number-list'; readonly value: readonly number[] }
  | { readonly type: 'string-list'; readonly value: readonly string[] }
  | { readonly type: 'ip-address-list'; readonly value: readonly string[] };

export type CustomMetricType = CustomMetricValue['type'];

/** Report key of each custom metric type (the same in long- and short-key reports). */
export const CUSTOM_METRIC_KEYS: Readonly<Record<CustomMetricType, string>> = {
  number: 'number',
  'number-list': 'number_list',
  'string-list': 'string_list',
  'ip-address-list': 'ip_list',
};

export type ReportFormat = 'json' | 'cbor';
export type KeyStyle = 'long' | 'short';
