import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';

function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let errText = '';
  return { out: (t) => void (out += t), err: (t) => void (errText += t), isTty: false, stdout: () => out, stderr: () => errText };
}

describe('vigil agent (CLI command group)', () => {
  it('--print writes one long-key report to stdout and exits 0', async () => {
    const io = capture();
    const code = await run(['node', 'vigil', 'agent', '--print'], io, {});
    expect(code).toBe(0);
    const document = JSON.parse(io.stdout()) as { header?: { report_id?: number; version?: string }; metrics?: unknown };
    expect(document.header?.version).toBe('1.0');
    expect(Number.isSafeInteger(document.header?.report_id)).toBe(true);
    expect(document.metrics).toBeDefined();
  });

  it('an interval below 300 s without --allow-short-interval is a usage error (exit 2) with the hint', async () => {
    const io = capture();
    const args = ['node', 'vigil', 'agent', '--endpoint', 'mqtts://127.0.0.1:8883', '--thing-name', 't', '--cert', 'c', '--key', 'k', '--ca', 'a', '--interval', '10'];
    expect(await run(args, io, {})).toBe(2);
    expect(io.stderr()).toContain('--allow-short-interval');
  });

  it('unreadable certificate files are a user error (exit 1), not a crash', async () => {
    const io = capture();
    const args = ['node', 'vigil', 'agent', '--endpoint', 'mqtts://127.0.0.1:8883', '--thing-name', 't', '--cert', '/nonexistent/c.pem', '--key', 'k', '--ca', 'a', '--once'];
    expect(await run(args, io, {})).toBe(1);
    expect(io.stderr()).toContain('/nonexistent/c.pem');
  });
});
