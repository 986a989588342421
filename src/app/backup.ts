import { mkdtempSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { sql } from 'kysely';
import { VigilError, type Clock } from '../core/index.js';
import type { BackupManifest, BackupSource } from '../model/index.js';
import { snapshotEvents, snapshotRegistry, writeBackupArchive, type DataDir, type EventsDb, type RegistryDb } from '../store/index.js';

export interface BackupInputs {
  readonly registry: RegistryDb;
  readonly events: EventsDb;
  readonly outbox: { snapshot(path: string): void };
  readonly layout: DataDir;
  /** Where failed stream records are kept; copied when it lies inside the data directory. */
  readonly streamBackupDir: string;
  readonly version: string;
  readonly clock: Clock;
}

/**
 * The running server's online backup: point-in-time copies of the registry (SQLite), the stream
 * outbox and the DuckDB event store, then secrets/ (CA, server certificate, tokens), sim/ and the
 * stream backup folder, as one tar stream. Copies are taken in that order: a record missing from the
 * outbox copy was acknowledged by HEC before the event store was copied, so it is in the events;
 * one still in the outbox copy may be delivered again after a restore (at least once).
 */
export function backupSource(inputs: BackupInputs): BackupSource {
  let running = false;
  return {
    write(out: Writable): Promise<BackupManifest> {
      // Thrown before any byte is sent, so the caller answers 409 instead of a cut archive.
      if (running) throw new VigilError('backup.conflict', 'a backup is already being written', { hint: 'wait for it to finish' });
      running = true;
      return writeBackup(inputs, out).finally(() => {
        running = false;
      });
    },
  };
}

async function writeBackup(inputs: BackupInputs, out: Writable): Promise<BackupManifest> {
  const work = mkdtempSync(join(inputs.layout.runDir, 'backup-'));
  try {
    const registryCopy = join(work, 'registry.sqlite');
    const registryIncluded = (await snapshotRegistry(inputs.registry, registryCopy)) === 'copied';
    const registryMigrations = (await sql<{ name: string }>`select name from vigil_migrations order by name`.execute(inputs.registry.db)).rows.map((r) => r.name);
    const outboxCopy = join(work, 'outbox.sqlite');
    inputs.outbox.snapshot(outboxCopy);
    const eventsCopy = join(work, 'events.duckdb');
    await snapshotEvents(inputs.events, eventsCopy);
    const eventMigrations = await duckMigrations(inputs.events);
    const streamBackup = relative(inputs.layout.root, inputs.streamBackupDir);
    const insideDataDir = !isAbsolute(streamBackup) && !streamBackup.startsWith('..') && streamBackup !== '';
    return await writeBackupArchive(
      out,
      {
        snapshots: [...(registryIncluded ? [{ path: 'registry.sqlite', file: registryCopy }] : []), { path: 'outbox.sqlite', file: outboxCopy }, { path: 'events.duckdb', file: eventsCopy }],
        trees: ['secrets', 'sim', ...(insideDataDir ? [streamBackup.split(sep).join('/')] : [])],
        dataDir: inputs.layout.root,
        manifest: {
          vigilVersion: inputs.version,
          createdAt: new Date(inputs.clock.now()).toISOString(),
          registry: { store: inputs.registry.dialect, included: registryIncluded, migrations: registryMigrations },
          events: { migrations: eventMigrations },
        },
      },
      inputs.clock.now(),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function duckMigrations(events: EventsDb): Promise<string[]> {
  const connection = await events.connect();
  try {
    return (await connection.runAndReadAll('select name from vigil_duck_migrations order by name')).getRowObjects().map((r) => String(r['name']));
  } finally {
    connection.closeSync();
  }
}
