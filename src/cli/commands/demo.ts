import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { VigilError } from '../../core/index.js';
import { renderDemoInfo, type DemoInfo } from '../../demo/index.js';
import { dataDirLayout } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { clientFor, loadConfigOrThrow, withServerOptions, type ServerOptions } from '../common.js';

/** `vigil demo info`: the running demo's addresses, a fresh console sign-in link and the four reference searches. */
export function registerDemo(program: Command, context: CliContext): void {
  const group = program.command('demo').description('the running demo (`vigil up --demo`): console link and reference searches');

  withServerOptions(group.command('info'))
    .description('print the demo summary again: addresses, token files, a new one-time console sign-in link and the four reference searches')
    .action(async (options: ServerOptions) => {
      const loaded = loadConfigOrThrow(options, context);
      const path = `${dataDirLayout(loaded.dataDir).runDir}/demo.json`;
      if (!existsSync(path)) throw new VigilError('demo.not_running', `no demo is running on ${loaded.dataDir} (${path} does not exist)`, { hint: 'start one with `vigil up --demo`' });
      const info = JSON.parse(readFileSync(path, 'utf8')) as DemoInfo;
      const { ticket } = await clientFor(options, context).request<{ ticket: string }>('POST', '/api/v1/session/tickets');
      context.io.out(renderDemoInfo(info, ticket));
    });
}
