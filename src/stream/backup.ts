import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { BackupConfig } from '../model/index.js';
import { backupFolder, decodeFailedRecords, encodeFailedRecords, objectName, type ErrorOutputType, type FailedRecord } from '../protocol/index.js';

/** Writes a file durably (temp file, fsync, rename) so that a backed-up record survives a crash. */
async function writeDurably(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** One stream's backup "bucket": `<root>` is `<backup_dir>/<stream>`. */
export class BackupWriter {
  constructor(private readonly root: string, private readonly stream: string, private readonly version: number, private readonly config: BackupConfig) {}

  /** Writes failed records as newline-separated JSON objects; returns the object's path. */
  async writeFailed(type: ErrorOutputType, records: readonly FailedRecord[], atMs: number): Promise<string> {
    const path = join(this.root, backupFolder(this.config, atMs, type), objectName(this.stream, this.version, atMs));
    await writeDurably(path, Buffer.from(encodeFailedRecords(records), 'utf8'));
    return path;
  }

  /** `AllEvents`: the records as delivered, concatenated (no delimiter, as Firehose writes S3 objects). */
  async writeAll(records: readonly Uint8Array[], atMs: number): Promise<string> {
    const path = join(this.root, backupFolder(this.config, atMs), objectName(this.stream, this.version, atMs));
    await writeDurably(path, Buffer.concat(records));
    return path;
  }
}

/** A failed-record object found in a backup root, for replay. */
export interface FailedObject {
  readonly path: string;
  readonly records: readonly FailedRecord[];
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile() && !entry.name.endsWith('.tmp')) out.push(full);
  }
  return out.sort();
}

/** Every failed-record object under `root` (objects whose every line is a failed record), except `replayed/`. */
export async function findFailedObjects(root: string): Promise<FailedObject[]> {
  const out: FailedObject[] = [];
  for (const path of await listFiles(root)) {
    if (relative(root, path).split(sep)[0] === 'replayed') continue;
    const records = decodeFailedRecords(await readFile(path, 'utf8'));
    if (records !== undefined) out.push({ path, records });
  }
  return out;
}

/** Moves a replayed object to `<root>/replayed/<same relative path>` so it is not replayed twice. */
export async function markReplayed(root: string, path: string): Promise<void> {
  const target = join(root, 'replayed', relative(root, path));
  await mkdir(dirname(target), { recursive: true });
  await rename(path, target);
}
