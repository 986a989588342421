import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../common.js';
import type { UpOptions } from '../run-up.js';

export function registerUp(program: Command, context: CliContext): void {
  withConfigOption(program.command('up'))
    .description('start Vigil: stores, API and every component; writes <data_dir>/run/endpoints.json')
    .option('--log-format <format>', 'auto (readable lines on a terminal, else JSON), json or pretty (overrides log.format)')
    .option('--log-level <level>', 'debug, info, warn, error or silent (overrides log.level)')
    .option('--demo', 'also apply the reference pipeline (examples/reference-pipeline/resources.yaml), run an audit and start a simulated fleet (docs/demo.md)')
    .option('--devices <n>', 'demo: simulated devices', '20')
    .option('--speed <x>', 'demo: simulated seconds per real second', '30')
    .option('--alert-webhook <url>', 'demo: also POST the "new listening port" alert\'s result rows to this URL')
    .action(async (options: UpOptions) => {
      const { runUp } = await import('../run-up.js');
      await runUp(options, context);
    });
}
