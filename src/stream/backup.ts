import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { BackupConfig } from '../model/index.js';

/** Firehose's `!{firehose:error-output-type}` values that Vigil writes (`file-failed` is Vigil's own sink). */
export type ErrorOutputType = 'processing-failed' | 'splunk-failed' | 'http-endpoint-failed' | 'file-failed';

/** One line of a failed-record object (Firehose B.5); the id field depends on the destination. */
export interface FailedRecord {
  readonly attemptsMade: number;
  readonly arrivalTimestamp: number;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attemptEndingTimestamp: number;
  /** Base64 of the record bytes: as sent to the destination, or the original record for processing-failed. */
  readonly rawData: string;
  readonly EventId?: string;
  readonly dataId?: string;
  readonly subsequenceNumber?: number;
  readonly lambdaArn?: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Java DateTimeFormatter subset used in Firehose prefixes: yyyy, MM, dd, HH, mm, ss (UTC). */
function formatTimestamp(pattern: string, at: Date): string {
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => {
    switch (token) {
      case 'yyyy': return String(at.getUTCFullYear());
      case 'MM': return pad(at.getUTCMonth() + 1);
      case 'dd': return pad(at.getUTCDate());
      case 'HH': return pad(at.getUTCHours());
      case 'mm': return pad(at.getUTCMinutes());
      default: return pad(at.getUTCSeconds());
    }
  });
}

const EXPRESSION = /!\{([a-z]+):([^}]*)\}/g;
const hasExpression = (text: string): boolean => /!\{[a-z]+:[^}]*\}/.test(text);

/** Evaluates a Firehose prefix expression at `atMs`. */
export function evaluatePrefix(prefix: string, atMs: number, errorType?: ErrorOutputType): string {
  const at = new Date(atMs);
  return prefix.replace(EXPRESSION, (_all, namespace: string, argument: string) => {
    if (namespace === 'timestamp') return formatTimestamp(argument, at);
    if (namespace === 'firehose' && argument === 'random-string') return randomBytes(8).toString('base64url').slice(0, 11);
    if (namespace === 'firehose' && argument === 'error-output-type') return errorType ?? '';
    return '';
  });
}

/** The folder (relative to the stream's backup root) of an object written at `atMs`. */
export function backupFolder(config: BackupConfig, atMs: number, errorType?: ErrorOutputType): string {
  const hourly = formatTimestamp('yyyy/MM/dd/HH/', new Date(atMs));
  if (errorType === undefined) {
    return hasExpression(config.prefix) ? evaluatePrefix(config.prefix, atMs) : `${config.prefix}${hourly}`;
  }
  if (config.errorOutputPrefix !== '') return evaluatePrefix(config.errorOutputPrefix, atMs, errorType);
  const base = hasExpression(config.prefix) ? '' : config.prefix;
  return `${base}${errorType}/${hourly}`;
}

/** `<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>`, Firehose's object name. */
export function objectName(stream: string, version: number, atMs: number): string {
  return `${stream}-${version}-${formatTimestamp('yyyy-MM-dd-HH-mm-ss', new Date(atMs))}-${randomUUID()}`;
}

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
    await writeDurably(path, Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8'));
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
    const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    const records: FailedRecord[] = [];
    let valid = lines.length > 0;
    for (const line of lines) {
      try {
        const parsed = JSON.parse(line) as Partial<FailedRecord>;
        if (typeof parsed.rawData !== 'string' || typeof parsed.errorCode !== 'string') valid = false;
        else records.push(parsed as FailedRecord);
      } catch {
        valid = false;
      }
      if (!valid) break;
    }
    if (valid) out.push({ path, records });
  }
  return out;
}

/** Moves a replayed object to `<root>/replayed/<same relative path>` so it is not replayed twice. */
export async function markReplayed(root: string, path: string): Promise<void> {
  const target = join(root, 'replayed', relative(root, path));
  await mkdir(dirname(target), { recursive: true });
  await rename(path, target);
}
