import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { FakeTime, storageFailure } from '../core/index.js';
import { tempDir } from '../../test/support/temp.js';
import { SqliteOutbox } from './sqlite-outbox.js';

const dir = tempDir('vigil-outbox-');
afterAll(() => dir.remove());
const bytes = (text: string): Uint8Array => Buffer.from(text);

describe('outbox', () => {
  it('group-commits concurrent appends, keeps them across a reopen, and removes only what it is told', async () => {
    const path = join(dir.path, 'a.sqlite');
    const time = new FakeTime(5000);
    const outbox = new SqliteOutbox(path, 1024 * 1024, time);
    const [a, b] = await Promise.all([outbox.append('s', [bytes('one'), bytes('two')]), outbox.append('t', [bytes('three')])]);
    expect(a?.ok && b?.ok).toBe(true);
    const first = outbox.read('s', 0, 1024);
    expect(first.map((r) => r.data.toString())).toEqual(['one', 'two']);
    outbox.remove('s', first.slice(0, 1));
    outbox.close();
    const reopened = new SqliteOutbox(path, 1024 * 1024, time);
    expect(reopened.read('s', 0, 1024).map((r) => [r.data.toString(), r.arrival])).toEqual([['two', 5000]]);
    expect(reopened.stats('t')).toEqual({ records: 1, bytes: 5, oldest: 5000 });
    expect(reopened.bytes).toBe(8);
    reopened.close();
  });

  it('commits a replayed object\'s mark with its records, keeps an unfinished replay across a reopen, and forgets the marks when it finishes', async () => {
    const path = join(dir.path, 'replay.sqlite');
    const time = new FakeTime(7000);
    const outbox = new SqliteOutbox(path, 1024 * 1024, time);
    outbox.beginReplay('s', false);
    await outbox.append('s', [bytes('x'), bytes('y')], { pretransformed: [true, false], replayMark: 'splunk-failed/a' });
    expect(outbox.read('s', 0, 1024).map((r) => [r.data.toString(), r.pretransformed])).toEqual([['x', true], ['y', false]]);
    outbox.close();
    const reopened = new SqliteOutbox(path, 1024 * 1024, time);
    expect(reopened.interruptedReplays()).toEqual(['s']);
    expect([...reopened.replayMarks('s')]).toEqual(['splunk-failed/a']);
    expect(reopened.replayTotals('s')).toEqual({ objects: 1, records: 2 });
    reopened.beginReplay('s', true);
    await reopened.append('s', [bytes('z')], { pretransformed: true, replayMark: 'splunk-failed/b' });
    expect(reopened.finishReplay('s', 1)).toEqual({ state: 'done', startedAt: 7000, finishedAt: 7000, objects: 2, records: 3, resumedObjects: 1, resumes: 1 });
    expect(reopened.replayMarks('s').size).toBe(0);
    expect(reopened.interruptedReplays()).toEqual([]);
    reopened.close();
  });

  it('hides removed records from reads and stats at once, while their delete is still on the writer thread', async () => {
    const outbox = new SqliteOutbox(join(dir.path, 'pending-remove.sqlite'), 1024 * 1024, new FakeTime(9000));
    await outbox.append('s', ['a', 'b', 'c', 'd'].map(bytes));
    const all = outbox.read('s', 0, 1024);
    outbox.remove('s', all.slice(1, 3));
    // No await: the writer has not answered yet, but a pipeline restarting now must not see b and c.
    expect(outbox.read('s', 0, 1024).map((r) => r.data.toString())).toEqual(['a', 'd']);
    expect(outbox.stats('s')).toEqual({ records: 2, bytes: 2, oldest: 9000 });
    expect(outbox.firstArrivalAfter('s', (all[0] as { seq: number }).seq)).toBe(9000);
    expect(outbox.bytes).toBe(2);
    outbox.close();
    const reopened = new SqliteOutbox(join(dir.path, 'pending-remove.sqlite'), 1024 * 1024, new FakeTime());
    expect(reopened.read('s', 0, 1024).map((r) => r.data.toString())).toEqual(['a', 'd']);
    reopened.close();
  });

  it('answers an append the writer thread could not commit with stream.unavailable, the store\'s reason kept as its cause', async () => {
    const path = join(dir.path, 'locked.sqlite');
    const outbox = new SqliteOutbox(path, 1024 * 1024, new FakeTime());
    const intruder = new Database(path);
    intruder.pragma('busy_timeout = 0');
    intruder.exec('BEGIN EXCLUSIVE');
    try {
      // The writer waits busy_timeout (5 s) for the lock, then gives up.
      const refused = await outbox.append('s', [bytes('x')]);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error.code).toBe('stream.unavailable');
        expect(storageFailure(refused.error)).toBe('busy');
      }
    } finally {
      intruder.exec('ROLLBACK');
      intruder.close();
    }
    expect((await outbox.append('s', [bytes('y')])).ok).toBe(true);
    expect(outbox.read('s', 0, 1024).map((r) => r.data.toString())).toEqual(['y']);
    outbox.close();
  }, 20_000);

  it('reads batches up to a byte size, at least one record', async () => {
    const outbox = new SqliteOutbox(join(dir.path, 'b.sqlite'), 1024 * 1024, new FakeTime());
    await outbox.append('s', ['aaaa', 'bbbb', 'cccc'].map(bytes));
    expect(outbox.read('s', 0, 8).length).toBe(2);
    expect(outbox.read('s', 0, 1).length).toBe(1);
    outbox.close();
  });

  it('refuses an append past its size cap with stream.unavailable and reason outbox_full', async () => {
    const outbox = new SqliteOutbox(join(dir.path, 'c.sqlite'), 10, new FakeTime());
    expect((await outbox.append('s', [bytes('12345678')])).ok).toBe(true);
    const refused = await outbox.append('s', [bytes('123')]);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'stream.unavailable', details: { reason: 'outbox_full' } });
    outbox.close();
  });
});
