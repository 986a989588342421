import { join } from 'node:path';
import type { Clock, Timer } from '../core/index.js';
import { SqliteOutbox, streamRepository, type DataDir, type RegistryDb } from '../store/index.js';
import { StreamEngine } from '../stream/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

export interface WiredStream {
  readonly engine: StreamEngine;
  /** Closes the outbox (after the engine stopped). */
  close(): Promise<void>;
}

/** Delivery streams: the outbox in `<data_dir>/outbox.sqlite`, definitions in the registry, backup under `stream.backup_dir`. */
export function wireStream(options: { config: VigilConfig; layout: DataDir; registry: RegistryDb; clock: Clock; timer: Timer; telemetry: Telemetry }): WiredStream {
  const { config, layout } = options;
  const outbox = new SqliteOutbox(join(layout.root, 'outbox.sqlite'), config.stream.outbox_max_bytes, options.clock);
  const engine = new StreamEngine({
    store: streamRepository(options.registry),
    outbox,
    config: config.stream,
    backupRoot: config.stream.backup_dir === '' ? join(layout.root, 'stream-backup') : config.stream.backup_dir,
    clock: options.clock,
    timer: options.timer,
    telemetry: options.telemetry.child('stream'),
    region: config.region,
    accountId: config.account_id,
  });
  return { engine, close: async () => outbox.close() };
}
