import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { loadConfigOrThrow, withConfigOption } from '../common.js';

export function registerUp(program: Command, context: CliContext): void {
  withConfigOption(program.command('up'))
    .description('start Vigil: stores, API and every component; writes <data_dir>/run/endpoints.json')
    .option('--demo', 'also apply the reference pipeline (examples/reference-pipeline/resources.yaml), run an audit and start a simulated fleet (docs/demo.md)')
    .option('--devices <n>', 'demo: simulated devices', '20')
    .option('--speed <x>', 'demo: simulated seconds per real second', '30')
    .option('--alert-webhook <url>', 'demo: also POST the "new listening port" alert\'s result rows to this URL')
    .action(async (options: { config?: string; demo?: boolean; devices: string; speed: string; alertWebhook?: string }) => {
      const { startVigil, demoConfig, demoSummary, startDemo } = await import('../lazy-up.js');
      const speed = Number(options.speed);
      const base = loadConfigOrThrow(options, context);
      const loaded = options.demo === true ? demoConfig(base, speed) : base;
      // Everything the server creates under the data directory (DuckDB WAL, SQLite side files) stays private.
      process.umask(0o077);
      const running = await startVigil({ loaded });
      const { io } = context;
      io.out(`Vigil is up (data in ${running.layout.root})\n`);
      for (const [name, url] of Object.entries(running.endpoints)) io.out(`  ${name.padEnd(6)} ${url}\n`);
      io.out(`  admin token: ${running.adminTokenPath}${running.adminTokenCreated ? ' (created now)' : ''}\n`);
      io.out(`  endpoints:   ${running.layout.endpointsPath}\n`);
      let stop = running.stop;
      if (options.demo === true) {
        const demo = await startDemo(running, loaded, { devices: Number(options.devices), speed, ...(options.alertWebhook === undefined ? {} : { alertWebhook: options.alertWebhook }) }).catch(async (error: unknown) => {
          await running.stop();
          throw error;
        });
        io.out(demoSummary(running, demo, `${running.layout.secretsDir}/hec-token`));
        stop = async () => {
          await demo.stop();
          await running.stop();
        };
      }
      io.out('Press Ctrl-C to stop.\n');
      await waitForShutdown(context, stop, loaded.config.shutdown_timeout_secs * 1000, (signal) => running.telemetry.emit('shutdown', { signal }));
    });
}

/** Resolves after SIGINT/SIGTERM and a drained stop (or the timeout, whichever first). */
async function waitForShutdown(context: CliContext, stop: () => Promise<void>, timeoutMs: number, onSignal: (signal: string) => void): Promise<void> {
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  onSignal(signal);
  context.io.err(`${signal}: stopping (up to ${Math.round(timeoutMs / 1000)} s)…\n`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    stop().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]);
  if (timer !== undefined) clearTimeout(timer);
  if (timedOut) context.io.err('in-flight work did not drain in time; exiting anyway\n');
  else context.io.err('stopped\n');
  // Lingering handles (keep-alive sockets, DuckDB threads) must not keep the process alive past stop.
  setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
}
