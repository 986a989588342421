import { describe, expect, it } from 'vitest';
import { storageFailure } from './index.js';

describe('storageFailure', () => {
  it('recognizes full disks, locks and I/O errors by code or message, also when wrapped', () => {
    expect(storageFailure(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('full');
    expect(storageFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe('full');
    expect(storageFailure(new Error('IO Error: Could not write all bytes to file "events.duckdb.wal": No space left on device'))).toBe('full');
    expect(storageFailure(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe('busy');
    expect(storageFailure(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe('io');
    expect(storageFailure(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'EDQUOT' }) }))).toBe('full');
  });

  it('leaves other errors alone', () => {
    expect(storageFailure(new TypeError('x is undefined'))).toBeUndefined();
    expect(storageFailure(Object.assign(new Error('no such table'), { code: 'SQLITE_ERROR' }))).toBeUndefined();
    expect(storageFailure(undefined)).toBeUndefined();
  });
});
