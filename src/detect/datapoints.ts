import type { MetricReport } from '../protocol/index.js';
import { hostOf, type DatapointValue } from './criteria.js';

/** Network-stat deltas of one accepted report, kept for `durationSeconds` sums. */
export interface NetSample {
  readonly time: number;
  readonly bytesIn: number | undefined;
  readonly bytesOut: number | undefined;
  readonly packetsIn: number | undefined;
  readonly packetsOut: number | undefined;
}

/** Longest window a delta sum can span (the largest `durationSeconds`). */
export const MAX_WINDOW_MS = 3_600_000;

const DELTA_FIELD: Readonly<Record<string, keyof Omit<NetSample, 'time'>>> = {
  'aws:all-bytes-in': 'bytesIn',
  'aws:all-bytes-out': 'bytesOut',
  'aws:all-packets-in': 'packetsIn',
  'aws:all-packets-out': 'packetsOut',
};

/** The network-stat field a delta metric sums (`aws:all-bytes-out` → `bytesOut`); undefined for other metrics. */
export function deltaField(metric: string): keyof Omit<NetSample, 'time'> | undefined {
  return DELTA_FIELD[metric];
}

export function netSample(report: MetricReport, time: number): NetSample | undefined {
  const ns = report.metrics?.networkStats;
  if (ns === undefined) return undefined;
  return { time, bytesIn: ns.bytesIn, bytesOut: ns.bytesOut, packetsIn: ns.packetsIn, packetsOut: ns.packetsOut };
}

/**
 * The datapoint a report gives a device-side or custom metric (§3.3): gauges are the report's
 * value, deltas are summed over the reports of the trailing `durationMs` window (`history` holds
 * this thing's samples, newest last, the current one included), lists are the report's list.
 * Undefined when the report does not carry the metric.
 */
export function deviceValue(metric: string, report: MetricReport, history: readonly NetSample[], time: number, durationMs: number | undefined): DatapointValue | undefined {
  const m = report.metrics;
  switch (metric) {
    case 'aws:num-listening-tcp-ports':
      return m?.listeningTcpPorts === undefined ? undefined : (m.listeningTcpPorts.total ?? m.listeningTcpPorts.ports?.length ?? 0);
    case 'aws:num-listening-udp-ports':
      return m?.listeningUdpPorts === undefined ? undefined : (m.listeningUdpPorts.total ?? m.listeningUdpPorts.ports?.length ?? 0);
    case 'aws:num-established-tcp-connections': {
      const ec = m?.tcpConnections?.establishedConnections;
      return ec === undefined ? undefined : (ec.total ?? ec.connections?.length ?? 0);
    }
    case 'aws:listening-tcp-ports':
      return m?.listeningTcpPorts === undefined ? undefined : portsOf(m.listeningTcpPorts.ports);
    case 'aws:listening-udp-ports':
      return m?.listeningUdpPorts === undefined ? undefined : portsOf(m.listeningUdpPorts.ports);
    case 'aws:destination-ip-addresses': {
      const ec = m?.tcpConnections?.establishedConnections;
      return ec === undefined ? undefined : [...new Set((ec.connections ?? []).map((c) => hostOf(c.remoteAddr)))];
    }
    default: {
      const field = DELTA_FIELD[metric];
      if (field !== undefined) {
        const own = m?.networkStats?.[field];
        if (own === undefined) return undefined;
        if (durationMs === undefined) return own;
        let sum = 0;
        for (let i = history.length - 1; i >= 0; i--) {
          const sample = history[i] as NetSample;
          if (sample.time <= time - durationMs) break;
          sum += sample[field] ?? 0;
        }
        return sum;
      }
      const custom = report.customMetrics?.[metric];
      if (custom === undefined) return undefined;
      return custom.value;
    }
  }
}

function portsOf(ports: ReadonlyArray<{ port?: number }> | undefined): number[] {
  const out: number[] = [];
  for (const p of ports ?? []) if (p.port !== undefined) out.push(p.port);
  return out;
}
