import type { Command } from 'commander';
import { clusterClient } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable } from '../output.js';

/** `vigil cluster status`: the nodes the server hears from, their roles, connections and state. */
export function registerCluster(program: Command, context: CliContext): void {
  const cluster = program.command('cluster').description('cluster mode: several nodes on one PostgreSQL registry and NATS (docs/cluster.md)');
  withServerOptions(cluster.command('status'))
    .description('list the cluster\'s nodes as the server asked hears them: state, roles, device connections, detect partitions owned, last heartbeat; and detect routing counts')
    .option('--json', 'print JSON')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const status = await clusterClient(clientFor(options, context)).status();
      if (options.json === true) return printJson(context, status);
      const now = Date.now();
      const rows = status.nodes.map((node) => [
        `${node.nodeId}${node.self ? ' *' : ''}`,
        node.state,
        node.roles.join(','),
        node.connections,
        node.endpoints['mqtt'] ?? '',
        node.natsConnected ? 'yes' : status.mode === 'single' ? '-' : 'no',
        node.partitions ?? '-',
        node.self ? 'now' : `${Math.max(0, Math.round((now - Date.parse(node.lastSeen)) / 1000))} s ago`,
        node.version,
      ]);
      const title = status.mode === 'single' ? 'single node (cluster mode is off: cluster.nats.urls is empty)' : `cluster of ${status.nodes.filter((n) => n.state === 'up').length} node(s) up; answered by ${status.nodeId} (*)`;
      context.io.out(`${title}\n${renderTable(['node', 'state', 'roles', 'devices', 'mqtt', 'nats', 'partitions', 'last heard', 'version'], rows)}\n`);
      const d = status.detect;
      if (d !== undefined) context.io.out(`detect: ${d.partitions} partitions, ${d.adopting} moving here; datapoints routed: ${d.routed.sent} sent, ${d.routed.received} received, ${d.routed.retried} retried, ${d.routed.failed} failed, ${d.pending} pending${d.routeLatencyMs === undefined ? '' : `; route latency p50 ${d.routeLatencyMs.p50} ms, max ${d.routeLatencyMs.max} ms`}\n`);
    });
}
