import { join } from 'node:path';
import type { Clock, Timer } from '../core/index.js';
import type { Outbox } from '../model/index.js';
import { SqliteOutbox, streamRepository, type DataDir, type RegistryDb } from '../store/index.js';
import { StreamEngine } from '../stream/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

export interface WiredStream {
  readonly engine: StreamEngine;
  /** Closes the outbox (after the engine stopped). */
  close(): Promise<void>;
  /** A consistent copy of the outbox (backup). */
  snapshotOutbox(path: string): void;
  /** Where failed records are backed up. */
  readonly backupRoot: string;
}

/**
 * Delivery streams: the outbox in `<data_dir>/outbox.sqlite`, definitions in the registry, backup under
 * `stream.backup_dir`. In cluster mode `clusterOutbox` (JetStream) buffers the records instead; the
 * local file then keeps only replay bookkeeping.
 */
export async function wireStream(options: { config: VigilConfig; layout: DataDir; registry: RegistryDb; clock: Clock; timer: Timer; telemetry: Telemetry; clusterOutbox?: (local: SqliteOutbox) => Promise<Outbox> }): Promise<WiredStream> {
  const { config, layout } = options;
  const local = new SqliteOutbox(join(layout.root, 'outbox.sqlite'), config.stream.outbox_max_bytes, options.clock);
  const outbox: Outbox = options.clusterOutbox === undefined ? local : await options.clusterOutbox(local);
  const backupRoot = config.stream.backup_dir === '' ? join(layout.root, 'stream-backup') : config.stream.backup_dir;
  const engine = new StreamEngine({
    store: streamRepository(options.registry),
    outbox,
    config: config.stream,
    backupRoot,
    clock: options.clock,
    timer: options.timer,
    telemetry: options.telemetry.child('stream'),
    region: config.region,
    accountId: config.account_id,
  });
  return { engine, close: async () => outbox.close(), snapshotOutbox: (path) => local.snapshot(path), backupRoot };
}
