import type { RegistryChange, RegistryEvents } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { ClusterBus } from './bus.js';

/** A registry change as it travels between nodes. */
interface ChangeMessage {
  readonly origin: string;
  readonly change: RegistryChange;
}

const KINDS = new Set(['certificate_status', 'ca_status', 'policy', 'attachment', 'membership', 'thing']);

/**
 * Carries registry changes between nodes: every change committed on this node goes to the others,
 * and every change from another node is replayed into this node's registry events, so its broker
 * closes revoked connections and every cached authorization decision is dropped, as if the change
 * had been made here. The registry itself is shared (PostgreSQL): only the notification travels.
 */
export function relayRegistryChanges(options: {
  readonly bus: ClusterBus;
  readonly subject: string;
  readonly nodeId: string;
  readonly events: RegistryEvents;
  /** Applies a change made on another node (the registry's `replay`). */
  readonly replay: (change: RegistryChange) => void;
  readonly telemetry: Telemetry;
}): () => void {
  const { bus, subject, nodeId, telemetry } = options;
  let replaying = false;
  const stopLocal = options.events.subscribe((change) => {
    if (replaying) return;
    bus.publish(subject, { origin: nodeId, change } satisfies ChangeMessage);
    telemetry.count('cluster_registry_change', { direction: 'out', kind: change.kind });
  });
  const stopRemote = bus.subscribe(subject, (body) => {
    const message = body as Partial<ChangeMessage>;
    if (message.origin === nodeId) return;
    const change = message.change;
    if (typeof change !== 'object' || change === null || !KINDS.has((change as { kind?: unknown }).kind as string)) {
      return void telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'registry_change' }, { origin: message.origin, detail: 'not a registry change' });
    }
    telemetry.count('cluster_registry_change', { direction: 'in', kind: change.kind });
    replaying = true;
    try {
      options.replay(change);
    } finally {
      replaying = false;
    }
  });
  // Changes made elsewhere while this node was cut off from NATS never arrive: after a reconnect,
  // drop every cached decision and re-check every connection against the shared registry.
  const stopReconnect = bus.onReconnect(() => {
    replaying = true;
    try {
      options.replay({ kind: 'resync' });
    } finally {
      replaying = false;
    }
  });
  return () => {
    stopLocal();
    stopRemote();
    stopReconnect();
  };
}
