import type { MetricReport } from '../protocol/index.js';
import type { DeviceSample } from './device-model.js';

/** A sample as the Device Defender report a device publishes (lists and totals, deltas, connections). */
export function sampleReport(sample: DeviceSample, reportId: number, iface: string): MetricReport {
  return {
    header: { reportId, version: '1.0' },
    metrics: {
      listeningTcpPorts: { ports: sample.tcpPorts.map((port) => ({ port, interface: iface })), total: sample.tcpPorts.length },
      listeningUdpPorts: { ports: sample.udpPorts.map((port) => ({ port, interface: iface })), total: sample.udpPorts.length },
      networkStats: { bytesIn: sample.bytesIn, bytesOut: sample.bytesOut, packetsIn: sample.packetsIn, packetsOut: sample.packetsOut },
      tcpConnections: {
        establishedConnections: {
          connections: sample.connections.map((c) => ({ remoteAddr: c.remoteAddr, localPort: c.localPort, localInterface: iface })),
          total: sample.connections.length,
        },
      },
    },
  };
}
