import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { VigilError } from '../core/index.js';
import type { BackupManifest } from '../model/index.js';
import { extractTar, TarWriter, type Placement } from './tar.js';

/** Everything in a backup sits under this folder of the archive. */
const ROOT = 'vigil-backup';
const FORMAT_TEXT = 'vigil backup, format 1\n';


export interface BackupContent {
  /** Point-in-time copies made for this backup: `path` in the data directory layout ← the copy's file. */
  readonly snapshots: ReadonlyArray<{ readonly path: string; readonly file: string }>;
  /** Folders of the data directory copied as they are (secrets/, sim/, stream-backup/), relative paths. */
  readonly trees: readonly string[];
  readonly dataDir: string;
  readonly manifest: Omit<BackupManifest, 'files' | 'format'>;
}

/** Writes a backup as a tar stream (the caller compresses): FORMAT, snapshots, trees, then manifest.json. */
export async function writeBackupArchive(out: Writable, content: BackupContent, nowMs: number): Promise<BackupManifest> {
  const tar = new TarWriter(out);
  const files: Array<{ path: string; bytes: number; sha256: string }> = [];
  await tar.buffer(`${ROOT}/FORMAT`, Buffer.from(FORMAT_TEXT), 0o600, nowMs);
  for (const snapshot of content.snapshots) {
    const { size } = statSync(snapshot.file);
    files.push({ path: snapshot.path, bytes: size, sha256: await tar.file(`${ROOT}/${snapshot.path}`, snapshot.file, size, 0o600, nowMs) });
  }
  for (const tree of content.trees) {
    const base = join(content.dataDir, tree);
    if (!existsSync(base)) continue;
    for (const file of listFiles(base)) {
      const path = relative(content.dataDir, file).split(sep).join('/');
      const stat = statSync(file);
      files.push({ path, bytes: stat.size, sha256: await tar.file(`${ROOT}/${path}`, file, stat.size, 0o600, stat.mtimeMs) });
    }
  }
  const manifest: BackupManifest = { format: 1, ...content.manifest, files };
  await tar.buffer(`${ROOT}/manifest.json`, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 0o600, nowMs);
  await tar.end();
  return manifest;
}

/**
 * Restores a backup's tar stream (already decompressed) into `dataDir`, which must be empty or
 * missing: files 0600, folders 0700, every file checked against the manifest's SHA-256. On any
 * problem what was written is removed again.
 */
export async function restoreBackupArchive(input: Readable, dataDir: string): Promise<BackupManifest> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new VigilError('restore.target_not_empty', `${dataDir} is not empty`, { hint: 'restore into a new (or empty) directory, then point data_dir at it' });
  }
  const created = !existsSync(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    return await readArchive(input, dataDir, true).catch(streamError);
  } catch (error) {
    if (created) rmSync(dataDir, { recursive: true, force: true });
    else for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true });
    throw error;
  }
}

/** Reads a backup's tar stream through and checks it against its manifest without writing anything. */
export function verifyBackupArchive(input: Readable): Promise<BackupManifest> {
  return readArchive(input, '/nonexistent', false).catch(streamError);
}

/** A damaged file (gzip: unexpected end, bad data) or a read failure, as an error with a code. */
function streamError(error: unknown): never {
  if (error instanceof VigilError) throw error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) throw new VigilError('restore.corrupt', `the backup file is damaged: ${(error as Error).message}`, { hint: 'it may be incomplete (an interrupted copy); use another backup' });
  if (typeof code === 'string') throw new VigilError('restore.io_error', `cannot read or write: ${(error as Error).message}`, { hint: 'check the paths, free space and permissions' });
  throw error;
}

async function readArchive(input: Readable, dataDir: string, write: boolean): Promise<BackupManifest> {
  const extracted = await extractTar(input, dataDir, (name): Placement => {
    if (!name.startsWith(`${ROOT}/`)) throw new VigilError('restore.not_a_backup', `the archive holds "${name}", outside ${ROOT}/`, { hint: 'this is not a file written by `vigil backup`' });
    const path = name.slice(ROOT.length + 1);
    if (path === 'FORMAT' || path === 'manifest.json') return 'memory';
    return write ? { path, mode: 0o600 } : undefined;
  });
  const format = extracted.find((f) => f.name === `${ROOT}/FORMAT`)?.data?.toString('utf8');
  if (format !== FORMAT_TEXT) throw new VigilError('restore.not_a_backup', format === undefined ? 'the archive has no FORMAT entry' : `unsupported backup format: ${format.trim()}`, { hint: 'restore it with the Vigil version that wrote it, or a newer one' });
  const manifestData = extracted.find((f) => f.name === `${ROOT}/manifest.json`)?.data;
  if (manifestData === undefined) throw new VigilError('restore.truncated', 'the archive has no manifest.json (it is written last)', { hint: 'the backup file is incomplete' });
  const manifest = JSON.parse(manifestData.toString('utf8')) as BackupManifest;
  const actual = new Map(extracted.filter((f) => f.data === undefined).map((f) => [f.name.slice(ROOT.length + 1), f]));
  for (const file of manifest.files) {
    const found = actual.get(file.path);
    if (found === undefined) throw new VigilError('restore.corrupt', `${file.path} is listed in the manifest but missing from the archive`);
    if (found.size !== file.bytes || found.sha256 !== file.sha256) throw new VigilError('restore.corrupt', `${file.path} does not match its SHA-256 in the manifest`, { hint: 'the backup file is damaged' });
    actual.delete(file.path);
  }
  if (actual.size > 0) throw new VigilError('restore.corrupt', `the archive holds files the manifest does not list: ${[...actual.keys()].join(', ')}`);
  return manifest;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
