import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createReportBuilder, interfaceLookup } from '../../src/agent/index.js';
import type { MetricReport } from '../../src/protocol/index.js';

const loopbackInterface = interfaceLookup(networkInterfaces())('127.0.0.1');
const tcpPorts = (r: MetricReport) => r.metrics?.listeningTcpPorts?.ports ?? [];
const udpPorts = (r: MetricReport) => r.metrics?.listeningUdpPorts?.ports ?? [];
const connections = (r: MetricReport) => r.metrics?.tcpConnections?.establishedConnections?.connections ?? [];

describe('agent collectors on this machine (/proc/net, real sockets)', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('sees a TCP listener and a bound UDP socket with their interface, then sees them gone', async () => {
    expect(loopbackInterface).toBeDefined();
    const server: Server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const udp: UdpSocket = createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    const tcpPort = (server.address() as AddressInfo).port;
    const udpPort = udp.address().port;

    const builder = createReportBuilder();
    const before = await builder.build();
    expect(tcpPorts(before)).toContainEqual({ port: tcpPort, interface: loopbackInterface });
    expect(udpPorts(before)).toContainEqual({ port: udpPort, interface: loopbackInterface });
    expect(before.metrics?.listeningTcpPorts?.total).toBe(tcpPorts(before).length);

    server.close();
    await once(server, 'close');
    udp.close();
    await once(udp, 'close');
    const after = await builder.build();
    expect(tcpPorts(after).some((p) => p.port === tcpPort)).toBe(false);
    expect(udpPorts(after).some((p) => p.port === udpPort)).toBe(false);
    expect(after.header.reportId).toBeGreaterThan(before.header.reportId);
  });

  it('sees an outbound TCP connection among the established connections, both ends', async () => {
    const server: Server = createServer((socket) => cleanup.push(() => void socket.destroy()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const client: Socket = connect(port, '127.0.0.1');
    await once(client, 'connect');
    cleanup.push(() => void client.destroy());

    // The whole list: a busy machine has more established connections than the report's default cap.
    const report = await createReportBuilder({ maxListEntries: Number.MAX_SAFE_INTEGER }).build();
    expect(connections(report)).toContainEqual({ remoteAddr: `127.0.0.1:${port}`, localPort: client.localPort, localInterface: loopbackInterface });
    expect(connections(report)).toContainEqual({ remoteAddr: `127.0.0.1:${client.localPort}`, localPort: port, localInterface: loopbackInterface });
    expect(report.metrics?.tcpConnections?.establishedConnections?.total).toBe(connections(report).length);
  });

  it('omits network_stats from the first report and gives non-negative deltas after', async () => {
    const builder = createReportBuilder();
    const first = await builder.build();
    expect(first.metrics?.networkStats).toBeUndefined();
    const second = await builder.build();
    const stats = second.metrics?.networkStats;
    expect(stats).toBeDefined();
    for (const value of Object.values(stats ?? {})) expect(value).toBeGreaterThanOrEqual(0);
  });
});
