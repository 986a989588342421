import type { Command } from 'commander';
import { siemClient, VigilClient, type SearchView } from '../../api/index.js';
import { openOfflineSiem, type LoadedVigilConfig } from '../../app/index.js';
import { VigilError, systemClock } from '../../core/index.js';
import { compileSpl, formatSplError } from '../../siem/index.js';
import type { CliContext } from '../context.js';
import { loadConfigOrThrow, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

const OUTPUTS = ['table', 'json', 'csv'] as const;
type Output = (typeof OUTPUTS)[number];

interface SearchOptions extends ServerOptions {
  readonly earliest?: string;
  readonly latest?: string;
  readonly output: string;
  readonly explain?: boolean;
  readonly maxRows?: string;
}

/** The running server's client, or undefined when none answers (then the store is opened directly). */
async function serverClient(options: ServerOptions, loaded: LoadedVigilConfig): Promise<VigilClient | undefined> {
  try {
    const client = VigilClient.forDataDir(loaded.dataDir, { server: options.server, token: options.token });
    if (options.server !== undefined || (await client.health())) return client;
  } catch (error) {
    if (options.server !== undefined || !(error instanceof VigilError) || error.code !== 'client.no_server') throw error;
  }
  return undefined;
}

function cellText(value: string | readonly string[] | undefined, separator: string): string {
  return value === undefined ? '' : typeof value === 'string' ? value : value.join(separator);
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function render(context: CliContext, result: Pick<SearchView, 'columns' | 'rows' | 'messages'>, output: Output): void {
  const { columns, rows } = result;
  for (const message of result.messages ?? []) context.io.err(`${message.type === 'WARN' ? 'warning' : 'note'}: ${message.text}\n`);
  if (output === 'json') return printJson(context, rows);
  if (output === 'csv') {
    context.io.out([columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(cellText(r[c], '\n'))).join(','))].join('\n') + '\n');
    return;
  }
  if (rows.length === 0) {
    context.io.err('no results\n');
    return;
  }
  context.io.out(renderTable(columns, rows.map((r) => columns.map((c) => cellText(r[c], ' ')))));
}

/** `vigil search 'SPL'`: through the running server's API, or on the event store directly when no server runs. */
export function registerSearch(program: Command, context: CliContext): void {
  withServerOptions(program.command('search <query>'))
    .description('run an SPL search (through the running server, else on <data_dir>/events.duckdb directly)')
    .option('--earliest <time>', 'earliest time (inclusive): epoch, ISO-8601, or a modifier like -24h@h')
    .option('--latest <time>', 'latest time (exclusive), same forms')
    .option('-o, --output <format>', `output: ${OUTPUTS.join(', ')}`, 'table')
    .option('--max-rows <n>', 'at most this many rows')
    .option('--explain', 'print every compiler stage (tokens, AST, plan, SQL) instead of running the search')
    .action(async (query: string, options: SearchOptions) => {
      if (!(OUTPUTS as readonly string[]).includes(options.output)) throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')}`);
      const maxRows = options.maxRows === undefined ? undefined : Number(options.maxRows);
      if (maxRows !== undefined && (!Number.isInteger(maxRows) || maxRows < 1)) throw new UsageError('--max-rows must be a positive integer');
      const range = { earliest: options.earliest, latest: options.latest };
      // Compile locally first: SPL errors are shown with a caret under the offending token.
      try {
        compileSpl(query, { nowMs: systemClock.now(), ...range, maxRows: maxRows ?? 1 });
      } catch (error) {
        if (!(error instanceof VigilError) || !error.code.startsWith('spl.')) throw error;
        context.io.err(`vigil: ${formatSplError(query, error)}\n`);
        context.setExitCode(1);
        return;
      }
      const loaded = loadConfigOrThrow(options, context);
      const client = await serverClient(options, loaded);
      if (client !== undefined) {
        const siem = siemClient(client);
        if (options.explain === true) context.io.out((await siem.explain(query, range)).explain);
        else render(context, await siem.search(query, { ...range, maxRows }), options.output as Output);
        return;
      }
      const offline = await openOfflineSiem(loaded);
      try {
        if (options.explain === true) context.io.out(offline.engine.explain(query, range.earliest, range.latest));
        else render(context, await offline.engine.search({ query, ...range, maxRows }), options.output as Output);
      } finally {
        await offline.close();
      }
    });
}
