import type { Writable } from 'node:stream';

/** `manifest.json`, a backup archive's last entry: what it holds and the SHA-256 of every file. */
export interface BackupManifest {
  readonly format: 1;
  readonly vigilVersion: string;
  readonly createdAt: string;
  /** The registry copy is in the archive for SQLite; PostgreSQL is dumped with its own tools. */
  readonly registry: { readonly store: 'sqlite' | 'postgres'; readonly included: boolean; readonly migrations: readonly string[] };
  readonly events: { readonly migrations: readonly string[] };
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number; readonly sha256: string }>;
}

/**
 * The running server's online backup (`POST /api/v1/backup`): writes the archive's tar stream to
 * `out`. Throws at once (before writing) when a backup is already running.
 */
export interface BackupSource {
  write(out: Writable): Promise<BackupManifest>;
}
