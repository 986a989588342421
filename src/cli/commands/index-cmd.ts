import type { Command } from 'commander';
import { siemClient } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

/** `vigil index create|list|delete`: SIEM indexes on the running server. */
export function registerIndex(program: Command, context: CliContext): void {
  const group = program.command('index').description('SIEM indexes (where HEC events are stored; retention per index)');

  withServerOptions(group.command('create <name>'))
    .description('create an index')
    .option('--retention-days <days>', 'delete events older than this many days (0 keeps forever)', '0')
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { retentionDays: string; json?: boolean }) => {
      const days = Number(options.retentionDays);
      if (!Number.isInteger(days) || days < 0) throw new UsageError('--retention-days must be a whole number >= 0');
      const index = await siemClient(clientFor(options, context)).indexes.create(name, days);
      if (options.json === true) printJson(context, index);
      else context.io.out(`created index ${index.name}${index.retentionDays > 0 ? ` (retention ${index.retentionDays} days)` : ''}\n`);
    });

  withServerOptions(group.command('list'))
    .description('list indexes with their event counts')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { indexes } = await siemClient(clientFor(options, context)).indexes.list();
      if (options.json === true) printJson(context, { indexes });
      else context.io.out(renderTable(['NAME', 'EVENTS', 'RETENTION', 'CREATED'], indexes.map((i) => [i.name, i.events ?? 0, i.retentionDays > 0 ? `${i.retentionDays}d` : 'forever', i.createdAt])));
    });

  withServerOptions(group.command('delete <name>'))
    .description('delete an index and all its events')
    .action(async (name: string, options: ServerOptions) => {
      const { deletedEvents } = await siemClient(clientFor(options, context)).indexes.delete(name);
      context.io.out(`deleted index ${name} (${deletedEvents} events)\n`);
    });
}
