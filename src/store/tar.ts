import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { VigilError } from '../core/index.js';

// POSIX ustar (IEEE 1003.1-1988 as extended by POSIX.1-2001): 512-byte header, body padded to 512.
const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777;

/** Writes a tar stream entry by entry (regular files and directories only). */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  async directory(name: string, mode: number, mtimeMs: number): Promise<void> {
    await this.write(header(name.endsWith('/') ? name : `${name}/`, mode, 0, mtimeMs, '5'));
  }

  /** A file's bytes from disk; returns its SHA-256 (hex). `size` must be the file's size now (it must not change while read). */
  async file(name: string, path: string, size: number, mode: number, mtimeMs: number): Promise<string> {
    await this.write(header(name, mode, size, mtimeMs, '0'));
    const hash = createHash('sha256');
    let written = 0;
    for await (const chunk of createReadStream(path)) {
      const bytes = chunk as Buffer;
      if (written + bytes.length > size) throw new VigilError('backup.file_changed', `${path} grew while it was archived`);
      hash.update(bytes);
      written += bytes.length;
      await this.write(bytes);
    }
    if (written !== size) throw new VigilError('backup.file_changed', `${path} shrank while it was archived`);
    await this.write(Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK));
    return hash.digest('hex');
  }

  async buffer(name: string, data: Buffer, mode: number, mtimeMs: number): Promise<void> {
    await this.write(header(name, mode, data.length, mtimeMs, '0'));
    await this.write(data);
    await this.write(Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }

  /** Two zero blocks end the archive. */
  async end(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
  }

  private write(data: Buffer): Promise<void> {
    if (data.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.out.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }
}

function header(name: string, mode: number, size: number, mtimeMs: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, base] = splitName(name);
  block.write(base, 0, 100, 'utf8');
  octal(block, 100, 8, mode & 0o7777);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  if (size <= MAX_OCTAL_SIZE) octal(block, 124, 12, size);
  else {
    // Base-256 (GNU, and POSIX readers since 2001): high bit set, big-endian value.
    block[124] = 0x80;
    block.writeBigUInt64BE(BigInt(size), 128);
  }
  octal(block, 136, 12, Math.floor(mtimeMs / 1000));
  block.write('        ', 148, 8, 'ascii');
  block.write(type, 156, 1, 'ascii');
  block.write('ustar\u0000', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write('vigil', 265, 32, 'ascii');
  block.write('vigil', 297, 32, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  const cut = name.lastIndexOf('/', name.length - 2);
  const prefix = name.slice(0, cut);
  const base = name.slice(cut + 1);
  if (cut < 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(base) > 100) throw new VigilError('backup.name_too_long', `path too long for the archive: ${name}`);
  return [prefix, base];
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

export interface ExtractedFile {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  /** The content, for entries placed `'memory'`. */
  readonly data?: Buffer;
}

/** Where an entry goes: a file under root, kept in memory, or skipped (undefined; still hashed). */
export type Placement = { readonly path: string; readonly mode: number } | 'memory' | undefined;

/**
 * Extracts a tar stream under `root`: regular files and directories only, every name checked to stay
 * inside `root` (no absolute paths, no `..`, no links). `place(name)` maps an archive name to a path
 * relative to root, or undefined to skip the entry. Returns what was written, with SHA-256s.
 */
export async function extractTar(input: Readable, root: string, place: (name: string) => Placement): Promise<ExtractedFile[]> {
  const files: ExtractedFile[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let body: { remaining: number; padding: number; out: WriteStream | undefined; memory: Buffer[] | undefined; hash: ReturnType<typeof createHash>; name: string; size: number } | undefined;
  let ended = false;

  const open = (block: Buffer): void => {
    if (!checksumOk(block)) throw new VigilError('restore.corrupt', 'an archive header has a bad checksum', { hint: 'the file is damaged or not a vigil backup' });
    const size = readSize(block);
    const type = String.fromCharCode(block[156] ?? 0x30);
    const prefix = cString(block, 345, 155);
    const base = cString(block, 0, 100);
    const name = prefix === '' ? base : `${prefix}/${base}`;
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === '5') {
      const target = place(name);
      if (target !== undefined && target !== 'memory') mkdirSync(inside(root, target.path), { recursive: true, mode: 0o700 });
      return;
    }
    if (type !== '0' && type !== '\u0000') throw new VigilError('restore.unsupported_entry', `the archive holds "${name}" of type ${JSON.stringify(type)}; a vigil backup holds only files and directories`);
    const target = place(name);
    let out: WriteStream | undefined;
    if (target !== undefined && target !== 'memory') {
      const path = inside(root, target.path);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      out = createWriteStream(path, { mode: target.mode, flags: 'wx' });
    }
    body = { remaining: size, padding, out, memory: target === 'memory' ? [] : undefined, hash: createHash('sha256'), name, size };
  };

  const finishBody = async (): Promise<void> => {
    const done = body;
    if (done === undefined) return;
    body = undefined;
    if (done.out !== undefined) {
      const out = done.out;
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
    files.push({ name: done.name, size: done.size, sha256: done.hash.digest('hex'), ...(done.memory === undefined ? {} : { data: Buffer.concat(done.memory) }) });
  };

  for await (const chunk of input) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    for (;;) {
      if (ended) {
        pending = Buffer.alloc(0);
        break;
      }
      if (body !== undefined) {
        if (body.remaining > 0) {
          if (pending.length === 0) break;
          const take = pending.subarray(0, Math.min(body.remaining, pending.length));
          pending = pending.subarray(take.length);
          body.remaining -= take.length;
          body.hash.update(take);
          body.memory?.push(Buffer.from(take));
          const out = body.out;
          if (out !== undefined && !out.write(take)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          continue;
        }
        if (pending.length < body.padding) break;
        pending = pending.subarray(body.padding);
        await finishBody();
        continue;
      }
      if (pending.length < BLOCK) break;
      const block = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (block.every((b) => b === 0)) {
        ended = true;
        continue;
      }
      open(Buffer.from(block));
    }
  }
  if (body !== undefined) throw new VigilError('restore.truncated', `the archive ends inside "${body.name}"`, { hint: 'the backup file is incomplete (was the download interrupted?)' });
  if (!ended) throw new VigilError('restore.truncated', 'the archive has no end marker', { hint: 'the backup file is incomplete (was the download interrupted?)' });
  return files;
}

function inside(root: string, relative: string): string {
  const clean = normalize(relative);
  if (clean.startsWith('..') || clean.startsWith(sep) || clean.split(sep).includes('..')) throw new VigilError('restore.unsafe_path', `the archive names a path outside the data directory: ${relative}`);
  return join(root, clean);
}

function readSize(block: Buffer): number {
  if (((block[124] ?? 0) & 0x80) !== 0) return Number(block.readBigUInt64BE(128));
  return parseInt(cString(block, 124, 12).trim() || '0', 8);
}

function cString(block: Buffer, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function checksumOk(block: Buffer): boolean {
  const stored = parseInt(cString(block, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return stored === sum;
}
