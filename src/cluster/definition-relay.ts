import type { Telemetry } from '../telemetry/index.js';
import type { ClusterBus } from './bus.js';

/**
 * A kind of definition a node caches (delivery streams, topic rules, security profiles): it says
 * when one changed through this node, and re-reads them from the shared registry when told.
 */
export interface DefinitionSource {
  /** Calls `listener` after each definition created, updated or deleted through this node; returns the unsubscribe function. */
  onDefinitionChanged(listener: (name: string) => void): () => void;
  /** Re-reads the stored definitions (shared in PostgreSQL) and brings this node's running copies in line. */
  resync(): Promise<void>;
}

interface DefinitionChangeMessage {
  readonly origin: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Carries definition changes between nodes: a delivery stream, topic rule or security profile
 * created, updated or deleted through one node takes effect on every node at once (each re-reads
 * that kind of definition from the shared registry). After a NATS reconnect the node re-reads them
 * too, in case it missed a change.
 */
export function relayDefinitionChanges(options: { readonly bus: ClusterBus; readonly subject: string; readonly nodeId: string; readonly kind: string; readonly source: DefinitionSource; readonly telemetry: Telemetry }): () => void {
  const { bus, subject, nodeId, kind, source, telemetry } = options;
  const resync = (origin: string): void =>
    void source.resync().catch((error: unknown) => telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'definition_change' }, { err: error, origin, kind }));
  const stopLocal = source.onDefinitionChanged((name) => {
    bus.publish(subject, { origin: nodeId, kind, name } satisfies DefinitionChangeMessage);
    telemetry.count('cluster_definition_change', { direction: 'out', kind });
  });
  const stopRemote = bus.subscribe(subject, (body) => {
    const message = body as Partial<DefinitionChangeMessage>;
    if (message.origin === nodeId || message.kind !== kind) return;
    if (typeof message.name !== 'string') {
      return void telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'definition_change' }, { origin: message.origin, kind, detail: 'not a definition change' });
    }
    telemetry.count('cluster_definition_change', { direction: 'in', kind });
    resync(String(message.origin));
  });
  const stopReconnect = bus.onReconnect(() => resync(nodeId));
  return () => {
    stopLocal();
    stopRemote();
    stopReconnect();
  };
}
