import type { ListeningPort, PortsMetric } from '../../protocol/index.js';
import { TCP_LISTEN, UDP_UNCONNECTED, type SocketEntry } from '../proc-net.js';
import type { Collector, Snapshot } from './collector.js';

/** Unique (port, interface) pairs; a port bound on both `0.0.0.0` and `::` counts once. */
function portsMetric(sockets: readonly SocketEntry[], state: number, snapshot: Snapshot): PortsMetric {
  const seen = new Map<string, ListeningPort>();
  for (const s of sockets) {
    if (s.state !== state || s.localPort === 0) continue;
    const iface = snapshot.interfaceOf(s.localAddress);
    const key = `${s.localPort}|${iface ?? ''}`;
    if (!seen.has(key)) seen.set(key, iface === undefined ? { port: s.localPort } : { port: s.localPort, interface: iface });
  }
  const ports = [...seen.values()].sort((a, b) => (a.port ?? 0) - (b.port ?? 0) || (a.interface ?? '').localeCompare(b.interface ?? ''));
  return { ports: ports.slice(0, snapshot.maxListEntries), total: ports.length };
}

/** TCP sockets in state LISTEN (0A), from `tcp` and `tcp6`. */
export const listeningTcpPorts: Collector = {
  name: 'listening_tcp_ports',
  collect: (snapshot) => ({ listeningTcpPorts: portsMetric(snapshot.tcp, TCP_LISTEN, snapshot) }),
};

/** Bound, unconnected UDP sockets (state 07), from `udp` and `udp6`. */
export const listeningUdpPorts: Collector = {
  name: 'listening_udp_ports',
  collect: (snapshot) => ({ listeningUdpPorts: portsMetric(snapshot.udp, UDP_UNCONNECTED, snapshot) }),
};
