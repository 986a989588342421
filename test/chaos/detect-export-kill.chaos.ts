import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.js';
import { VigilProcess, until } from '../support/vigil-process.js';

const run = promisify(execFile);
const root = join(new URL('.', import.meta.url).pathname, '../..');
const cli = join(root, 'bin/vigil.mjs');
const DEVICES = 10;
const SECONDS = 8;

/**
 * Detect exports each report's metrics at its next export interval; a report is answered
 * `accepted` long before that. The export journal makes the answer mean durable: here no export
 * runs before the kill (an hour's interval), so every accepted report is only in the journal when
 * the process dies, and the restarted one must export them all.
 */
/** A port free now: the `siem` stream's HEC endpoint must be the same before and after the restart. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('detect export across kill -9 before the export interval', () => {
  const dir = tempDir('vigil-chaos-export-');
  let first: VigilProcess | undefined;
  let second: VigilProcess | undefined;
  afterAll(async () => {
    await first?.kill();
    await second?.kill();
    dir.remove();
  });

  it('exports every report answered accepted, once, after the restart', async () => {
    const hecPort = await freePort();
    const settings = (exportSecs: number) => ({ hec: { listen: `127.0.0.1:${hecPort}` }, mqtt: { reports: { min_report_interval_secs: 0 } }, detect: { export_interval_secs: exportSecs } });
    first = new VigilProcess(dir.path, settings(3600));
    await first.start();
    const config = ['-c', first.configPath];
    await run(process.execPath, [cli, 'apply', '-f', join(root, 'examples/reference-pipeline/resources.yaml'), '--skip-unavailable', ...config], { cwd: root });
    // Each device reports about once a second (300 s at 300×) for SECONDS seconds.
    const simulated = await run(process.execPath, [cli, 'simulate', '--devices', String(DEVICES), '--scenario', 'baseline', '--thing-group', 'DeviceDefenderFleet', '--speed', '300', '--duration', String(SECONDS), ...config], { cwd: root });
    const last = simulated.stdout.trim().split('\n').pop() ?? '';
    const accepted = Number(/accepted (\d+)/.exec(last)?.[1]);
    // A report published just before the simulator stopped may be accepted after it stopped reading.
    const published = Number(/published (\d+)/.exec(last)?.[1]);
    expect(accepted, last).toBeGreaterThanOrEqual(DEVICES * 2);
    await first.kill();

    second = new VigilProcess(dir.path, settings(1));
    await second.start();
    const count = async (): Promise<number> => {
      const out = await run(process.execPath, [cli, 'search', 'index=aws_hfb name="aws:num-listening-tcp-ports" | stats count', '--earliest', '0', '-o', 'json', '-c', second?.configPath as string], { cwd: root });
      return Number((JSON.parse(out.stdout) as Array<{ count?: string | number }>)[0]?.count ?? 0);
    };
    let indexed = 0;
    await until(async () => (indexed = await count()) >= accepted, `${accepted} exported reports in the SIEM`, 90_000, 1000).catch(() => undefined);
    // Give a duplicate the time to show up: another export and delivery round.
    await new Promise((r) => setTimeout(r, 3000));
    indexed = await count();
    process.stdout.write(`chaos detect export kill: ${published} reports published, ${accepted} answered accepted before kill -9; ${indexed} exported to the SIEM after the restart\n`);
    // Every accepted report, each once: none was exported before the kill, so nothing can come twice.
    expect(indexed).toBeGreaterThanOrEqual(accepted);
    expect(indexed).toBeLessThanOrEqual(published);
  });
});
