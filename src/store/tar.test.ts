import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { TarWriter, extractTar } from './tar.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tar (ustar) writer and reader', () => {
  it('writes archives that GNU tar lists and extracts byte for byte, including a name longer than 100 bytes', async () => {
    const source = join(dir, 'source.bin');
    const content = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    writeFileSync(source, content);
    const long = `vigil-backup/${'deep/'.repeat(20)}file.bin`;
    const archive = join(dir, 'ours.tar');
    const out = createWriteStream(archive);
    const tar = new TarWriter(out);
    await tar.directory('vigil-backup', 0o700, Date.UTC(2026, 0, 1));
    const hash = await tar.file('vigil-backup/source.bin', source, content.length, 0o600, Date.UTC(2026, 0, 1));
    await tar.file(long, source, content.length, 0o640, Date.UTC(2026, 0, 1));
    await tar.buffer('vigil-backup/small.txt', Buffer.from('hello\n'), 0o600, Date.UTC(2026, 0, 1));
    await tar.end();
    out.end();
    await finished(out);
    expect(hash).toBe(execFileSync('sha256sum', [source], { encoding: 'utf8' }).split(' ')[0]);
    const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
    expect(listing).toContain('-rw------- vigil/vigil    5000 2026-01-01');
    expect(listing).toContain(long);
    const extracted = join(dir, 'gnu');
    mkdirSync(extracted);
    execFileSync('tar', ['-xf', archive, '-C', extracted]);
    expect(readFileSync(join(extracted, long))).toEqual(content);
    expect(statSync(join(extracted, long)).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(extracted, 'vigil-backup', 'small.txt'), 'utf8')).toBe('hello\n');
  });

  it('reads archives written by GNU tar (ustar format), hashing every file and placing each where asked', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'vigil-backup', 'secrets'), { recursive: true });
    writeFileSync(join(tree, 'vigil-backup', 'secrets', 'token'), 'abc\n');
    writeFileSync(join(tree, 'vigil-backup', 'data.bin'), Buffer.alloc(70_000, 7));
    const archive = join(dir, 'gnu.tar');
    execFileSync('tar', ['--format=ustar', '-cf', archive, '-C', tree, 'vigil-backup']);
    const target = join(dir, 'ours');
    const files = await extractTar(createReadStream(archive, { highWaterMark: 1000 }), target, (name) => (name.endsWith('token') ? 'memory' : { path: name.replace('vigil-backup/', ''), mode: 0o600 }));
    expect(files.find((f) => f.name.endsWith('token'))?.data?.toString()).toBe('abc\n');
    expect(readFileSync(join(target, 'data.bin'))).toEqual(Buffer.alloc(70_000, 7));
    expect(statSync(join(target, 'data.bin')).mode & 0o777).toBe(0o600);
    expect(files.find((f) => f.name.endsWith('data.bin'))?.sha256).toBe(execFileSync('sha256sum', [join(tree, 'vigil-backup', 'data.bin')], { encoding: 'utf8' }).split(' ')[0]);
  });

  it('refuses a name that climbs out of the target, and an archive cut short', async () => {
    const archive = join(dir, 'evil.tar');
    const out = createWriteStream(archive);
    const tar = new TarWriter(out);
    await tar.buffer('vigil-backup/../../evil', Buffer.from('x'), 0o600, 0);
    await tar.end();
    out.end();
    await finished(out);
    await expect(extractTar(createReadStream(archive), join(dir, 'evil-target'), (name) => ({ path: name, mode: 0o600 }))).rejects.toMatchObject({ code: 'restore.unsafe_path' });
    const whole = readFileSync(join(dir, 'ours.tar'));
    const cut = join(dir, 'cut.tar');
    writeFileSync(cut, whole.subarray(0, 2048));
    await expect(extractTar(createReadStream(cut), join(dir, 'cut-target'), () => undefined)).rejects.toMatchObject({ code: 'restore.truncated' });
  });
});
