import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resourceVars } from '../../app/index.js';
import { applyContext, exportResources } from '../../resources/index.js';
import type { CliContext } from '../context.js';
import { clientFor, loadConfigOrThrow, withServerOptions, type ServerOptions } from '../common.js';

export function registerExport(program: Command, context: CliContext): void {
  withServerOptions(program.command('export'))
    .description('write every resource of the running server as a resources file that `vigil apply` reproduces (secrets as placeholders)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (options: ServerOptions & { output?: string }) => {
      const loaded = loadConfigOrThrow(options, context);
      const text = await exportResources(applyContext(clientFor(options, context), resourceVars(loaded.config, loaded.dataDir)));
      if (options.output === undefined) context.io.out(text);
      else {
        writeFileSync(options.output, text);
        context.io.err(`wrote ${options.output}\n`);
      }
    });
}
