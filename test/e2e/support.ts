import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { VigilClient } from '../../src/api/index.js';
import { startVigil, validateVigilConfig, type RunningVigil } from '../../src/app/index.js';
import { demoConfig, demoSummary, referenceQueries, startDemo, type RunningDemo } from '../../src/demo/index.js';
import { exportSearch as splunkExport } from '../support/splunk-export.js';
import { tempDir } from '../support/temp.js';

/** Shared setup of the console's browser tests: `vigil up --demo` in-process and Chromium (playwright-core). */
export const CHROMIUM = process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SHOTS = 'test-results';

export interface ConsoleDemo {
  readonly running: RunningVigil;
  readonly demo: RunningDemo;
  readonly client: VigilClient;
  readonly adminToken: string;
  readonly api: string;
  /** The thing the demo compromises (`ftp-port-21`: it starts listening on TCP/21). */
  readonly target: string;
  /** The reference queries `vigil up --demo` prints, for this demo's index and target. */
  readonly queries: string[];
  /** The one-time `…/ui/?ticket=…` sign-in link the demo summary prints. */
  readonly consoleLink: string;
  /** When the demo started (Date.now()). */
  readonly startedAt: number;
  /** Runs SPL through Splunk's REST export endpoint. */
  exportSearch(query: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

/** Builds the console into dist/web (always: a stale build would test old code). */
export function buildConsole(): void {
  // NODE_ENV=test (vitest's) would build a development bundle.
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

/** `vigil up --demo` in-process, as test/integration/demo.test.ts runs it: ephemeral ports, high speed. */
export async function startConsoleDemo(speed: number): Promise<ConsoleDemo> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir();
  const base = validateVigilConfig({ data_dir: dir.path, log: { level: 'warn' }, api: { listen: '127.0.0.1:0' }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0', plain_listen: '127.0.0.1:0' } });
  const loaded = demoConfig(base, speed);
  const running = await startVigil({ loaded, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const startedAt = Date.now();
  const demo = await startDemo(running, loaded, { speed });
  const adminToken = readFileSync(running.adminTokenPath, 'utf8').trim();
  const api = running.endpoints['api'] as string;
  const summary = demoSummary(running, demo, join(running.layout.secretsDir, 'hec-token'));
  const consoleLink = /^\s*console\s+(\S+\/ui\/\?ticket=[A-Za-z0-9_-]+)/m.exec(summary)?.[1] ?? '';
  if (!consoleLink.startsWith(`${api}/ui/?ticket=`)) throw new Error(`no console link in the demo summary:\n${summary}`);
  return {
    running,
    demo,
    client: new VigilClient({ baseUrl: api, token: adminToken }),
    adminToken,
    api,
    target: demo.simulator.target,
    queries: referenceQueries(demo.index, demo.sourcetype, demo.simulator.target),
    consoleLink,
    startedAt,
    exportSearch: (query) => splunkExport(api, adminToken, query),
    async stop() {
      await demo.stop();
      await running.stop();
      dir.remove();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Signs the page in through the demo's one-time link (the console lands on the search page). */
export async function signInWithTicket(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
}

/** Polls `condition`; on timeout the error names what was awaited and what was last seen (`seen`). */
export async function until(what: string, condition: (seen: (state: unknown) => void) => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (!(await condition((state) => (last = state)))) {
    if (Date.now() > deadline) throw new Error(`not in ${timeoutMs} ms: ${what}; last seen ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
