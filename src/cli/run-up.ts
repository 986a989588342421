// `vigil up`'s work, loaded with import() when it runs: the whole server and the demo.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVigil, type RunningVigil } from '../app/index.js';
import type { CliContext } from './context.js';
import { loadConfigOrThrow } from './common.js';
import { UsageError } from './output.js';

export interface UpOptions {
  readonly config?: string;
  readonly demo?: boolean;
  readonly devices: string;
  readonly speed: string;
  readonly alertWebhook?: string;
  readonly logFormat?: string;
  readonly logLevel?: string;
}

const LOG_FORMATS = ['auto', 'json', 'pretty'];
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

/** Starts Vigil (and the demo), prints what it bound, then runs until SIGINT/SIGTERM and stops within the timeout. */
export async function runUp(options: UpOptions, context: CliContext): Promise<void> {
  if (options.logFormat !== undefined && !LOG_FORMATS.includes(options.logFormat)) throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}`);
  if (options.logLevel !== undefined && !LOG_LEVELS.includes(options.logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const env = { ...context.env, ...(options.logFormat === undefined ? {} : { VIGIL_LOG_FORMAT: options.logFormat }), ...(options.logLevel === undefined ? {} : { VIGIL_LOG_LEVEL: options.logLevel }) };
  const speed = Number(options.speed);
  const base = loadConfigOrThrow(options, { ...context, env });
  const demoModule = options.demo === true ? await import('./lazy-demo.js') : undefined;
  const loaded = demoModule === undefined ? base : demoModule.demoConfig(base, speed);
  // Everything the server creates under the data directory (DuckDB WAL, SQLite side files) stays private.
  process.umask(0o077);
  // Watched from the first moment: a signal during start-up stops what has started, then exits.
  const shutdown = shutdownRequested(context.env);
  const running = await startVigil({ loaded });
  const { io } = context;
  io.out(upSummary(running));
  let stop = running.stop;
  if (demoModule !== undefined) {
    const { demoInfo, renderDemoInfo, startDemo } = demoModule;
    const demoPath = join(running.layout.runDir, 'demo.json');
    const demo = await startDemo(running, loaded, { devices: Number(options.devices), speed, ...(options.alertWebhook === undefined ? {} : { alertWebhook: options.alertWebhook }) }).catch(async (error: unknown) => {
      await running.stop();
      throw error;
    });
    const info = demoInfo(running, demo, join(running.layout.secretsDir, 'hec-token'));
    writeFileSync(demoPath, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o644 });
    io.out(renderDemoInfo(info, running.sessions.createTicket()));
    stop = async () => {
      rmSync(demoPath, { force: true });
      await demo.stop();
      await running.stop();
    };
  }
  io.out('Press Ctrl-C to stop.\n');
  const signal = await shutdown;
  running.telemetry.emit('shutdown', { signal });
  const timeoutMs = loaded.config.shutdown_timeout_secs * 1000;
  io.out(`${signal}: stopping (up to ${Math.round(timeoutMs / 1000)} s)…\n`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    stop().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]);
  if (timer !== undefined) clearTimeout(timer);
  io.out(timedOut ? 'in-flight work did not drain in time; exiting anyway\n' : 'stopped\n');
  // Lingering handles (keep-alive sockets, DuckDB threads) must not keep the process alive past stop.
  setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
}

/** The short summary `vigil up` prints on stdout (logs go to stderr). */
function upSummary(running: RunningVigil): string {
  const lines = [`Vigil is up (data in ${running.layout.root})`];
  for (const [name, url] of Object.entries(running.endpoints)) lines.push(`  ${name.padEnd(7)} ${url}`);
  for (const [name, fingerprint] of Object.entries(running.tls)) lines.push(`  ${`${name} TLS`.padEnd(7)} certificate SHA-256 ${fingerprint}`);
  lines.push(`  admin token: ${running.adminTokenPath}${running.adminTokenCreated ? ' (created now)' : ''}`, `  endpoints:   ${running.layout.endpointsPath}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Resolves with the first SIGINT or SIGTERM (a second one exits at once). Under `npx`, whose shell
 * does not pass SIGTERM on (docs/operations.md), the parent going away counts as one too.
 */
function shutdownRequested(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  return new Promise((resolve) => {
    let requested = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (requested) {
        process.stderr.write(`${signal} again: exiting without waiting for in-flight work\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      requested = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (env['npm_lifecycle_event'] === 'npx') {
      const parent = process.ppid;
      const watch = setInterval(() => {
        if (process.ppid === parent || requested) return;
        clearInterval(watch);
        requested = true;
        resolve('parent_exit');
      }, 250);
      watch.unref();
    }
  });
}
