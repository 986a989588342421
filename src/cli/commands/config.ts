import type { Command } from 'commander';
import { renderExample } from '../../config/index.js';
import { loadVigilConfig, vigilConfigSchema } from '../../app/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../output.js';

export function registerConfig(program: Command, context: CliContext): void {
  const config = program.command('config').description('check and explain vigil.yaml');

  config
    .command('validate [file]')
    .description('check a config file (default: $VIGIL_CONFIG); prints every problem with its path, exits 1 if any')
    .action((file: string | undefined) => {
      const path = file ?? context.env['VIGIL_CONFIG'];
      const loaded = loadVigilConfig(path, context.env);
      if (loaded.ok) {
        context.io.out(`${loaded.value.path ?? 'defaults'}: valid\n`);
        return;
      }
      const formatted = loaded.error.details?.['formatted'];
      context.io.err(`${loaded.error.message}\n${typeof formatted === 'string' && formatted !== '' ? `${formatted}\n` : ''}`);
      if (loaded.error.hint !== undefined) context.io.err(`hint: ${loaded.error.hint}\n`);
      context.setExitCode(EXIT.user);
    });

  config
    .command('example')
    .description('print a complete, commented vigil.yaml with every default')
    .action(() => {
      context.io.out(renderExample(vigilConfigSchema, 'vigil.yaml: every key with its default value.\nEvery key can also be set by environment: api.listen -> VIGIL_API_LISTEN.'));
    });
}
