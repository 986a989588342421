/** Why a store could not write: its disk is full, it is locked by another writer, or its I/O failed. */
export type StorageFailureKind = 'full' | 'busy' | 'io';

const CODES: ReadonlyArray<readonly [RegExp, StorageFailureKind]> = [
  [/^(ENOSPC|EDQUOT|SQLITE_FULL)$/, 'full'],
  [/^(SQLITE_BUSY|SQLITE_LOCKED)/, 'busy'],
  [/^(EIO|EROFS|SQLITE_IOERR|SQLITE_READONLY|SQLITE_CANTOPEN)/, 'io'],
];

// DuckDB and SQLite report these in messages only.
const MESSAGES: ReadonlyArray<readonly [RegExp, StorageFailureKind]> = [
  [/no space left on device|database or disk is full|disk quota exceeded/i, 'full'],
  [/database is locked|database table is locked|could not set lock on file/i, 'busy'],
  [/disk i\/o error|read-only file system|could not write all bytes|could not (open|read|write|fsync) file/i, 'io'],
];

/**
 * Recognizes an error thrown by SQLite, DuckDB or the file system as a storage failure, whatever
 * layer wrapped it: such a failure is the environment's (retry later), not the request's or a bug.
 */
export function storageFailure(error: unknown): StorageFailureKind | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') for (const [pattern, kind] of CODES) if (pattern.test(code)) return kind;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string') for (const [pattern, kind] of MESSAGES) if (pattern.test(message)) return kind;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A sentence for operators and clients about a storage failure. */
export function describeStorageFailure(kind: StorageFailureKind): string {
  switch (kind) {
    case 'full':
      return 'the data directory is out of disk space';
    case 'busy':
      return 'the store is locked by another writer';
    case 'io':
      return 'the data directory cannot be written (I/O error)';
  }
}
