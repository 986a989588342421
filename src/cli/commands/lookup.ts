import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { lookupClient } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

function readCsv(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `vigil lookup upload|list|delete`: CSV lookups for SPL `lookup` and `| inputlookup`, on the running server. */
export function registerLookup(program: Command, context: CliContext): void {
  const group = program.command('lookup').description('CSV lookup files for SPL (lookup, | inputlookup)');

  withServerOptions(group.command('upload <name> <file>'))
    .description('upload a CSV file (first line: column names) as lookup NAME, replacing any earlier one')
    .option('--json', 'JSON output')
    .action(async (name: string, file: string, options: ServerOptions & { json?: boolean }) => {
      const info = await lookupClient(clientFor(options, context)).upload(name, readCsv(file));
      if (options.json === true) printJson(context, info);
      else context.io.out(`uploaded lookup ${info.name} from ${basename(file)}: ${info.rows} rows, columns ${info.columns.join(', ')}\n`);
    });

  withServerOptions(group.command('list'))
    .description('list lookups with their columns and sizes')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { lookups } = await lookupClient(clientFor(options, context)).list();
      if (options.json === true) printJson(context, { lookups });
      else context.io.out(renderTable(['NAME', 'ROWS', 'BYTES', 'COLUMNS', 'UPDATED'], lookups.map((l) => [l.name, l.rows, l.bytes, l.columns.join(','), l.updatedAt])));
    });

  withServerOptions(group.command('delete <name>'))
    .description('delete a lookup')
    .action(async (name: string, options: ServerOptions) => {
      await lookupClient(clientFor(options, context)).delete(name);
      context.io.out(`deleted lookup ${name}\n`);
    });
}
