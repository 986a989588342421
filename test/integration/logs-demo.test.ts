import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStrictJson } from '../support/strict-json.js';
import { EPHEMERAL_LISTENERS, readEndpoints, spawnVigil } from '../support/spawn-vigil.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('vigil-logs-');
afterAll(() => dir.remove());

const CONSOLE_LINK = /console +(https?:\/\/\S+\/ui\/\?ticket=([\w-]+))/;

/** The block `vigil up --demo` ends its start-up with: console link and searches 1–4, right before "Press Ctrl-C". */
function demoSummaryAtEnd(stdout: string): { link: string; ticket: string; searches: string[] } {
  const end = stdout.indexOf('Press Ctrl-C to stop.');
  const start = stdout.lastIndexOf('Demo: the reference pipeline is running', end);
  expect(start, stdout).toBeGreaterThanOrEqual(0);
  const block = stdout.slice(start, end);
  const link = CONSOLE_LINK.exec(block);
  expect(link, block).not.toBeNull();
  const searches = [...block.matchAll(/^ {2}([1-4])\. vigil search '(.+)'$/gm)].map((m) => m[2] as string);
  expect(searches).toHaveLength(4);
  return { link: link?.[1] as string, ticket: link?.[2] as string, searches };
}

describe('logs of a real `vigil up --demo`', () => {
  it('writes only JSON lines without a repeated key when stderr is not a terminal (debug level included), ends start-up with the console link and the four searches, and `vigil demo info` prints them again with a working new link', async () => {
    const cwd = join(dir.path, 'json');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cwd);
    const vigil = spawnVigil(['up', '--demo', '--devices', '3', '--speed', '100', '--log-level', 'debug'], { cwd, env: EPHEMERAL_LISTENERS });
    try {
      await vigil.waitFor(() => (vigil.stdout().includes('Press Ctrl-C to stop.') ? true : undefined), 'the end of start-up', 120_000);
      const first = demoSummaryAtEnd(vigil.stdout());
      expect(first.searches[2]).toContain('| where thing="sim-');
      // Let reports, exports, deliveries and searches log for a while.
      await new Promise((resolve) => setTimeout(resolve, 8000));

      const info = spawnVigil(['demo', 'info'], { cwd });
      expect(await info.exited, info.stderr()).toBe(0);
      const again = demoSummaryAtEnd(`${info.stdout()}Press Ctrl-C to stop.`);
      expect(again.searches).toEqual(first.searches);
      expect(again.ticket).not.toBe(first.ticket);
      const api = readEndpoints(join(cwd, 'vigil-data'))?.['api'] as string;
      expect(again.link.startsWith(`${api}/ui/?ticket=`)).toBe(true);
      const signIn = await fetch(`${api}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket: again.ticket }) });
      expect(signIn.status).toBe(200);

      vigil.child.kill('SIGTERM');
      expect(await vigil.exited).toBe(0);
      const lines = vigil.stderr().split('\n').filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(50);
      const events = new Set<string>();
      for (const line of lines) {
        const record = parseStrictJson(line) as Record<string, unknown>;
        events.add(String(record['event']));
      }
      // The emitters that used to repeat `component` (nested children) are among the lines checked.
      for (const event of ['server_started', 'registry_changed', 'certificate_issued', 'mqtt_client_connected', 'shutdown']) expect([...events], event).toContain(event);
    } finally {
      vigil.kill();
    }
  }, 240_000);

  it('with --log-format pretty writes one readable line per event, with provisioning (registry changes, certificates, migrations) only at debug; log.file gets the same events as JSON, 0600', async () => {
    const cwd = join(dir.path, 'pretty');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cwd);
    const vigil = spawnVigil(['up', '--demo', '--devices', '3', '--speed', '100', '--log-format', 'pretty'], { cwd, env: { ...EPHEMERAL_LISTENERS, VIGIL_LOG_FILE_PATH: 'log/vigil.log' } });
    try {
      await vigil.waitFor(() => (vigil.stdout().includes('Press Ctrl-C to stop.') ? true : undefined), 'the end of start-up', 120_000);
      vigil.child.kill('SIGTERM');
      expect(await vigil.exited).toBe(0);
      const lines = vigil.stderr().split('\n').filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN |ERROR) \S* +\S/);
      expect(lines.some((l) => / api +server started +url=http:\/\/127\.0\.0\.1:\d+$/.test(l))).toBe(true);
      for (const quiet of ['registry changed', 'certificate issued', 'store migrated', 'resources applied']) expect(lines.filter((l) => l.includes(quiet))).toEqual([]);
      expect(vigil.stderr()).not.toContain('\u001b[');
      const logFile = join(cwd, 'vigil-data', 'log', 'vigil.log');
      expect(statSync(logFile).mode & 0o777).toBe(0o600);
      const fileLines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => parseStrictJson(l) as Record<string, unknown>);
      expect(fileLines.length).toBe(lines.length);
      expect(fileLines.filter((l) => l['event'] === 'server_started').map((l) => l['component']).sort()).toEqual(['api', 'hec', 'mqtt']);
    } finally {
      vigil.kill();
    }
  }, 180_000);
});
