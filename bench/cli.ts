/**
 * `npm run bench -- cli [RUNS]`: how fast the compiled `vigil` starts (issue 18). Each case runs
 * RUNS times (default 10) as a whole process, alternating with `node -e 0` so that both see the same
 * machine; medians and the medians of the paired differences and ratios are reported.
 *
 *   vigil --help                                       target ≤ 0.25 s
 *   vigil search '…' against a running server           target ≤ 0.4 s
 *   vigil thing list against a running server           target ≤ 0.4 s
 *   vigil up, start to run/endpoints.json, empty dir    target ≤ 1.5 s
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../scripts/build.js';
import { fmt, median, type Benchmark } from './types.js';

const bin = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
const LISTENERS = { VIGIL_API_LISTEN: '127.0.0.1:0', VIGIL_HEC_LISTEN: '127.0.0.1:0', VIGIL_MQTT_LISTEN: '127.0.0.1:0' };

/** Seconds from spawn to exit; the command must exit 0. */
function timeProcess(args: readonly string[], env: Record<string, string>, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** Seconds from spawning `vigil up` on an empty data dir to run/endpoints.json; then stops it. */
async function timeUp(cwd: string): Promise<number> {
  const dataDir = mkdtempSync(join(cwd, 'up-'));
  const endpoints = join(dataDir, 'run', 'endpoints.json');
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'up'], { cwd, env: { PATH: process.env['PATH'] ?? '', ...LISTENERS, VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let elapsed: number | undefined;
  while (elapsed === undefined) {
    if (existsSync(endpoints)) elapsed = (performance.now() - started) / 1000;
    else if (child.exitCode !== null) throw new Error(`vigil up exited ${child.exitCode} before writing endpoints.json`);
    else await new Promise((resolve) => setTimeout(resolve, 2));
  }
  child.kill('SIGTERM');
  if ((await exited) !== 0) throw new Error('vigil up did not exit 0 on SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

const cli: Benchmark = async ({ args, progress }) => {
  const runs = Number(args[0] ?? 10);
  progress('building dist/ (npm run build)');
  await buildAll();
  const load = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-cli-'));
  const node0 = (): Promise<number> => timeProcess(['-e', '0'], {}, dir);
  // A server for the client cases, with one thing and some events to find.
  const serverData = join(dir, 'server');
  const server = spawn(process.execPath, [bin, 'up'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...LISTENERS, VIGIL_DATA_DIR: serverData, VIGIL_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  try {
    for (let i = 0; i < 600 && !existsSync(join(serverData, 'run', 'endpoints.json')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const clientEnv = { VIGIL_DATA_DIR: serverData };
    await timeProcess([bin, 'thing', 'create', 'bench-thing'], clientEnv, dir);
    const hec = (JSON.parse(readFileSync(join(serverData, 'run', 'endpoints.json'), 'utf8')) as { hec: string }).hec;
    const hecToken = readFileSync(join(serverData, 'secrets', 'hec-token'), 'utf8').trim();
    await fetch(`${hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body: Array.from({ length: 100 }, (_, i) => JSON.stringify({ event: { n: i }, sourcetype: 'bench' })).join('\n') });

    const cases: Array<{ name: string; target: number; run: () => Promise<number> }> = [
      { name: 'vigil --help', target: 0.25, run: () => timeProcess([bin, '--help'], {}, dir) },
      { name: 'vigil search (stats count by sourcetype, running server)', target: 0.4, run: () => timeProcess([bin, 'search', 'index=main | stats count by sourcetype'], clientEnv, dir) },
      { name: 'vigil thing list (running server)', target: 0.4, run: () => timeProcess([bin, 'thing', 'list'], clientEnv, dir) },
      { name: 'vigil up → run/endpoints.json (empty data dir)', target: 1.5, run: () => timeUp(dir) },
    ];
    const rows: Array<Array<string | number>> = [];
    for (const c of cases) {
      progress(`${c.name}: ${runs} runs, each beside node -e 0`);
      await c.run();
      await node0();
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < runs; i++) {
        a.push(await c.run());
        b.push(await node0());
      }
      const med = median(a);
      rows.push([c.name, fmt(med, 3), fmt(median(b), 3), fmt(median(a.map((x, i) => x - (b[i] as number))), 3), fmt(median(a.map((x, i) => x / (b[i] as number))), 1), fmt(Math.min(...a), 3), fmt(Math.max(...a), 3), `≤ ${c.target}`, med <= c.target ? 'yes' : 'no']);
    }
    return {
      columns: ['case', 'median s', 'node -e 0 median s', 'median of (case − node -e 0) s', 'median of (case / node -e 0)', 'min s', 'max s', 'target', 'met'],
      rows,
      notes: [
        `${runs} runs per case, each followed by one \`node -e 0\` (the floor: starting Node itself); whole processes from spawn to exit (for \`vigil up\`, to the moment run/endpoints.json exists).`,
        'The compiled CLI (`npm run build`: rolldown bundle in dist/, command groups loaded on demand). Before (tsx, every command module loaded): `npx vigil --help` 4.4–4.7 s.',
        `1-minute load average when the run started: ${load.toFixed(2)} (the machine has 2 cores shared with other work).`,
      ],
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.on('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
};

export default cli;
