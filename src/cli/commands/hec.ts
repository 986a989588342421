import type { Command } from 'commander';
import { siemClient, type HecTokenView } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable } from '../output.js';

interface CreateOptions extends ServerOptions {
  readonly name: string;
  readonly index?: string;
  readonly allowedIndex?: string[];
  readonly sourcetype?: string;
  readonly source?: string;
  readonly host?: string;
  readonly ack?: boolean;
  readonly allowQueryString?: boolean;
  readonly description?: string;
  readonly json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function tokenRow(t: HecTokenView): string[] {
  return [t.name, t.token, t.index, t.indexes.join(','), t.sourcetype ?? '', t.useAck ? 'yes' : 'no', t.disabled ? 'disabled' : 'enabled'];
}

/** `vigil hec token create|list|delete|enable|disable`: HEC tokens on the running server. */
export function registerHec(program: Command, context: CliContext): void {
  const token = program.command('hec').description('the HTTP Event Collector (Splunk HEC) of the embedded SIEM').command('token').description('HEC tokens');

  withServerOptions(token.command('create'))
    .description('create a HEC token; prints its value')
    .requiredOption('--name <name>', 'token name (inputs.conf [http://name])')
    .option('--index <index>', 'default index (default: main)')
    .option('--allowed-index <index>', 'an index the token may write to (repeatable; default: any)', collect)
    .option('--sourcetype <sourcetype>', 'default sourcetype')
    .option('--source <source>', 'default source (default: http:<name>)')
    .option('--host <host>', 'default host')
    .option('--ack', 'require indexer acknowledgement (clients send a channel and poll /services/collector/ack)')
    .option('--allow-query-string', 'accept the token as ?token=')
    .option('-d, --description <text>', 'what the token is for')
    .option('--json', 'JSON output')
    .action(async (options: CreateOptions) => {
      const created = await siemClient(clientFor(options, context)).tokens.create({
        name: options.name,
        index: options.index,
        indexes: options.allowedIndex,
        sourcetype: options.sourcetype,
        source: options.source,
        host: options.host,
        useAck: options.ack === true,
        allowQueryStringAuth: options.allowQueryString === true,
        description: options.description,
      });
      if (options.json === true) printJson(context, created);
      else context.io.out(`${created.token}\n`);
    });

  withServerOptions(token.command('list'))
    .description('list HEC tokens')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { tokens } = await siemClient(clientFor(options, context)).tokens.list();
      if (options.json === true) printJson(context, { tokens });
      else context.io.out(renderTable(['NAME', 'TOKEN', 'INDEX', 'ALLOWED', 'SOURCETYPE', 'ACK', 'STATE'], tokens.map(tokenRow)));
    });

  withServerOptions(token.command('delete <name>'))
    .description('delete a HEC token')
    .action(async (name: string, options: ServerOptions) => {
      await siemClient(clientFor(options, context)).tokens.delete(name);
      context.io.out(`deleted ${name}\n`);
    });

  for (const [action, disabled] of [['enable', false], ['disable', true]] as const) {
    withServerOptions(token.command(`${action} <name>`))
      .description(`${action} a HEC token`)
      .action(async (name: string, options: ServerOptions) => {
        await siemClient(clientFor(options, context)).tokens.setDisabled(name, disabled);
        context.io.out(`${action}d ${name}\n`);
      });
  }
}
