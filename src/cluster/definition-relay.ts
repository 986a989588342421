import type { Telemetry } from '../telemetry/index.js';
import type { ClusterBus } from './bus.js';

/** What the relay needs of the stream engine. */
export interface StreamDefinitions {
  /** Calls `listener` after each definition created, updated or deleted on this node. */
  onDefinitionChanged(listener: (name: string) => void): () => void;
  /** Re-reads the stored definitions (shared in PostgreSQL) and starts, restarts or stops pipelines to match. */
  resync(): Promise<void>;
}

interface StreamChangeMessage {
  readonly origin: string;
  readonly stream: string;
}

/**
 * Carries delivery-stream definition changes between nodes: a stream created, updated or deleted
 * through one node's Firehose API runs on every node at once (each re-reads the definitions from the
 * shared registry). After a NATS reconnect the node re-reads them too, in case it missed a change.
 */
export function relayStreamChanges(options: { readonly bus: ClusterBus; readonly subject: string; readonly nodeId: string; readonly streams: StreamDefinitions; readonly telemetry: Telemetry }): () => void {
  const { bus, subject, nodeId, streams, telemetry } = options;
  const resync = (origin: string): void =>
    void streams.resync().catch((error: unknown) => telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'stream_change' }, { err: error, origin }));
  const stopLocal = streams.onDefinitionChanged((stream) => {
    bus.publish(subject, { origin: nodeId, stream } satisfies StreamChangeMessage);
    telemetry.count('cluster_stream_change', { direction: 'out' });
  });
  const stopRemote = bus.subscribe(subject, (body) => {
    const message = body as Partial<StreamChangeMessage>;
    if (message.origin === nodeId) return;
    if (typeof message.stream !== 'string') {
      return void telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'stream_change' }, { origin: message.origin, detail: 'not a stream change' });
    }
    telemetry.count('cluster_stream_change', { direction: 'in' });
    resync(String(message.origin));
  });
  const stopReconnect = bus.onReconnect(() => resync(nodeId));
  return () => {
    stopLocal();
    stopRemote();
    stopReconnect();
  };
}
