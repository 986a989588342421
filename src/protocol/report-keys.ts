/**
 * Long and short spellings of every key of the report document (device-defender.md §1.2), one
 * table per object kind: `field: [long, short]`. Decoder and encoder both read these tables.
 */
export const REPORT_KEYS = {
  root: { header: ['header', 'hed'], metrics: ['metrics', 'met'], customMetrics: ['custom_metrics', 'cmet'] },
  header: { reportId: ['report_id', 'rid'], version: ['version', 'v'] },
  metrics: {
    listeningTcpPorts: ['listening_tcp_ports', 'tp'],
    listeningUdpPorts: ['listening_udp_ports', 'up'],
    networkStats: ['network_stats', 'ns'],
    tcpConnections: ['tcp_connections', 'tc'],
  },
  portsMetric: { ports: ['ports', 'pts'], total: ['total', 't'] },
  port: { port: ['port', 'pt'], interface: ['interface', 'if'] },
  networkStats: { bytesIn: ['bytes_in', 'bi'], bytesOut: ['bytes_out', 'bo'], packetsIn: ['packets_in', 'pi'], packetsOut: ['packets_out', 'po'] },
  tcpConnections: { establishedConnections: ['established_connections', 'ec'] },
  establishedConnections: { connections: ['connections', 'cs'], total: ['total', 't'] },
  connection: {
    remoteAddr: ['remote_addr', 'rad'],
    localPort: ['local_port', 'lp'],
    localInterface: ['local_interface', 'li'],
    remotePort: ['remote_port', 'rp'],
    status: ['status', 's'],
  },
} as const satisfies Record<string, Record<string, readonly [string, string]>>;

export type ObjectKind = keyof typeof REPORT_KEYS;

export interface KeyIndex {
  /** wire key (either spelling) → [field, long key] */
  readonly byWire: ReadonlyMap<string, readonly [string, string]>;
}

function buildIndex(table: Readonly<Record<string, readonly [string, string]>>): KeyIndex {
  const byWire = new Map<string, readonly [string, string]>();
  for (const [field, [long, short]] of Object.entries(table)) {
    byWire.set(long, [field, long]);
    byWire.set(short, [field, long]);
  }
  return { byWire };
}

export const KEY_INDEX = Object.fromEntries(
  Object.entries(REPORT_KEYS).map(([kind, table]) => [kind, buildIndex(table)]),
) as Readonly<Record<ObjectKind, KeyIndex>>;
