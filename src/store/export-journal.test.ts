import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp.js';
import { SqliteExportJournal } from './export-journal.js';

describe('SqliteExportJournal', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
  const path = (): string => {
    const dir = tempDir('vigil-journal-');
    dirs.push(dir);
    return join(dir.path, 'detect-journal.sqlite');
  };

  it('keeps what was appended for the next process when this one is never closed (a kill)', async () => {
    const file = path();
    const journal = new SqliteExportJournal(file);
    const seqs = await Promise.all(['a', 'b', 'c'].map((entry) => journal.append(entry)));
    expect(seqs).toEqual([1, 2, 3]);
    // No close(): the next open sees exactly what the resolved appends stored.
    const next = new SqliteExportJournal(file);
    expect(next.leftover()).toEqual([
      { seq: 1, entry: 'a' },
      { seq: 2, entry: 'b' },
      { seq: 3, entry: 'c' },
    ]);
    expect(next.lastSeq).toBe(3);
    expect(await next.append('d')).toBe(4);
    next.close();
  });

  it('releases up to a sequence number, after the appends queued before the release', async () => {
    const file = path();
    const journal = new SqliteExportJournal(file);
    const first = journal.append('first');
    const upTo = journal.lastSeq;
    journal.release(upTo);
    const second = journal.append('second');
    await Promise.all([first, second]);
    journal.close();
    const reopened = new SqliteExportJournal(file);
    expect(reopened.leftover()).toEqual([{ seq: 2, entry: 'second' }]);
    reopened.close();
  });

  it('refuses appends once closed, with the reason', async () => {
    const journal = new SqliteExportJournal(path());
    journal.close();
    await expect(journal.append('late')).rejects.toThrow(/export journal is closed/);
  });
});
