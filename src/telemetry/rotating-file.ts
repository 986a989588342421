import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFileOptions {
  readonly path: string;
  /** The current file is rotated before a write would take it past this size. */
  readonly maxBytes: number;
  /** Rotated files kept (`<path>.1` newest … `<path>.<maxFiles>` oldest); older ones are deleted. */
  readonly maxFiles: number;
}

/**
 * An append-only log file that rotates by size: `vigil.log` → `vigil.log.1` → … Each write is one
 * synchronous append (a log line is never split across files or lost in a buffer at exit).
 */
export class RotatingFile {
  private fd: number;
  private size: number;
  private closed = false;

  constructor(private readonly options: RotatingFileOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    this.fd = openSync(options.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Appends one line; after close() (lines from work still finishing at exit) it does nothing. */
  write(line: string): void {
    if (this.closed) return;
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.options.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    const { path, maxFiles } = this.options;
    rmSync(`${path}.${maxFiles}`, { force: true });
    for (let n = maxFiles - 1; n >= 1; n--) if (existsSync(`${path}.${n}`)) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
    if (maxFiles >= 1) renameSync(path, `${path}.1`);
    else rmSync(path, { force: true });
    this.fd = openSync(path, 'a', 0o600);
    this.size = 0;
  }
}
