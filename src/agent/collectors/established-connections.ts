import type { TcpConnection } from '../../protocol/index.js';
import { TCP_ESTABLISHED } from '../proc-net.js';
import type { Collector } from './collector.js';

const formatRemote = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

/** TCP sockets in state ESTABLISHED (01): `remote_addr` as `ip:port` or `[v6]:port`. */
export const establishedConnections: Collector = {
  name: 'tcp_connections',
  collect(snapshot) {
    const connections: TcpConnection[] = [];
    for (const s of snapshot.tcp) {
      if (s.state !== TCP_ESTABLISHED) continue;
      const iface = snapshot.interfaceOf(s.localAddress);
      const remoteAddr = formatRemote(s.remoteAddress, s.remotePort);
      connections.push(iface === undefined ? { remoteAddr, localPort: s.localPort } : { remoteAddr, localPort: s.localPort, localInterface: iface });
    }
    return { tcpConnections: { establishedConnections: { connections: connections.slice(0, snapshot.maxListEntries), total: connections.length } } };
  },
};
