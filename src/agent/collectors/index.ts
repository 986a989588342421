import { establishedConnections } from './established-connections.js';
import { listeningTcpPorts, listeningUdpPorts } from './listening-ports.js';
import { networkStats } from './network-stats.js';
import type { Collector } from './collector.js';

export type { Collector, Snapshot } from './collector.js';
export { networkDelta } from './network-stats.js';

/** Every device-side collector, in report order; adding one means adding a file and a row here. */
export const COLLECTORS: readonly Collector[] = [listeningTcpPorts, listeningUdpPorts, networkStats, establishedConnections];
