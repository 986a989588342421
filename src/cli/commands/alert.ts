import type { Command } from 'commander';
import { alertsClient, type AlertRunView, type SavedSearchUpdateBody, type SavedSearchView } from '../../api/index.js';
import { parseDuration } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

interface DefinitionOptions extends ServerOptions {
  search?: string;
  description?: string;
  cron?: string;
  earliest?: string;
  latest?: string;
  trigger?: string;
  perResult?: boolean;
  webhook?: string[];
  topic?: string[];
  throttle?: string;
  throttleFields?: string;
  disabled?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const EXAMPLES = `
Examples:
  vigil alert create new-port --search 'sourcetype=aws-iot-device-defender name="aws:listening-tcp-ports" | ...' \\
      --cron "*/5 * * * *" --earliest -24h --per-result --webhook https://hooks.example/alert \\
      --throttle 24h --throttle-fields thing,port
  vigil alert create errors --search 'index=main error' --trigger "results>10" --topic soc-alerts
  vigil alert list
  vigil alert run new-port        # run now, print whether it fired
  vigil alert history new-port

Cron: five fields "minute hour day-of-month month day-of-week" in UTC; *, values, ranges a-b, steps */n,
lists a,b; months jan-dec and days sun-sat by name. Triggers: results>N (> < = != >= <=) fires once
with all rows; --per-result fires for each row. Throttle: suppress repeats for a period (30m, 1h, 1d),
per combination of the --throttle-fields values when given.`;

function definition(options: DefinitionOptions, creating: boolean): SavedSearchUpdateBody {
  if (options.trigger !== undefined && options.perResult === true) throw new UsageError('give either --trigger or --per-result, not both');
  const wantsAlert = options.trigger !== undefined || options.perResult === true || options.webhook !== undefined || options.topic !== undefined || options.throttle !== undefined || options.throttleFields !== undefined;
  let throttle: { periodSecs: number; fields?: string[] } | undefined;
  if (options.throttleFields !== undefined && options.throttle === undefined) throw new UsageError('--throttle-fields needs --throttle PERIOD (e.g. --throttle 1h)');
  if (options.throttle !== undefined) {
    const period = parseDuration(options.throttle);
    if (!period.ok || period.value < 1000) throw new UsageError(`--throttle "${options.throttle}" is not a period of at least 1s (write e.g. 30m, 1h, 1d)`);
    const fields = (options.throttleFields ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
    throttle = { periodSecs: Math.round(period.value / 1000), ...(fields.length === 0 ? {} : { fields }) };
  }
  const actions = [...(options.webhook ?? []).map((url) => ({ type: 'webhook' as const, url })), ...(options.topic ?? []).map((topic) => ({ type: 'topic' as const, topic }))];
  const alert = wantsAlert
    ? {
        ...(options.perResult === true ? { trigger: 'per-result' } : options.trigger !== undefined ? { trigger: options.trigger } : creating ? { trigger: 'results>0' } : {}),
        ...(actions.length > 0 || creating ? { actions } : {}),
        ...(throttle === undefined ? {} : { throttle }),
      }
    : undefined;
  return {
    search: options.search,
    description: options.description,
    cron: options.cron,
    earliest: options.earliest,
    latest: options.latest,
    ...(options.disabled === true ? { enabled: false } : {}),
    ...(alert === undefined ? {} : { alert }),
  };
}

function withDefinitionOptions(command: Command): Command {
  return command
    .option('--search <spl>', 'the SPL search')
    .option('--description <text>', 'what it detects')
    .option('--cron <expr>', 'five-field cron schedule in UTC (default "*/5 * * * *")')
    .option('--earliest <time>', 'start of the time range, an SPL time modifier (default -15m)')
    .option('--latest <time>', 'end of the time range (default now)')
    .option('--trigger <condition>', 'fire once when the number of results compares true: "results>0", "results>=10", …')
    .option('--per-result', 'fire once per result row')
    .option('--webhook <url>', 'POST JSON (search name, trigger time, result rows) to this URL; repeatable', collect)
    .option('--topic <topic>', 'publish the same JSON to this notify topic; repeatable', collect)
    .option('--throttle <period>', 'after firing, suppress repeats for this long (30m, 1h, 1d)')
    .option('--throttle-fields <fields>', 'throttle per value of these comma-separated fields (e.g. thing,port)')
    .option('--disabled', 'store it without scheduling it')
    .option('--json', 'JSON output');
}

function describeRun(run: AlertRunView): string {
  const counts = `${run.resultCount} result${run.resultCount === 1 ? '' : 's'}`;
  const head =
    run.status === 'fired' ? `fired: ${counts}, ${run.firedCount} sent${run.suppressedCount > 0 ? `, ${run.suppressedCount} throttled` : ''}`
    : run.status === 'throttled' ? `throttled: ${counts}, all suppressed by the throttle`
    : run.status === 'failed' ? `failed: ${run.error?.code ?? ''} ${run.error?.message ?? ''}`.trim()
    : `not fired: ${counts}`;
  const actions = run.actions.map((a) => `  ${a.type} ${a.target}: ${a.ok ? 'ok' : `failed after ${a.attempts} attempt(s): ${a.error ?? ''}`}\n`).join('');
  return `${head}\n${actions}`;
}

/** `vigil alert create|update|list|show|history|run|enable|disable|delete`: SIEM saved searches and alerts. */
export function registerAlert(program: Command, context: CliContext): void {
  const group = program.command('alert').description('SIEM saved searches on a cron schedule, with alerts (trigger, webhook/topic actions, throttling) and history').addHelpText('after', EXAMPLES);
  const client = (options: ServerOptions) => alertsClient(clientFor(options, context));
  const print = (options: { json?: boolean }, search: SavedSearchView, verb: string) => {
    if (options.json === true) printJson(context, search);
    else context.io.out(`${verb} ${search.name}: ${search.cron} over [${search.earliest}, ${search.latest}]${search.alert === undefined ? '' : `, alert ${search.alert.triggerText}`}${search.enabled ? '' : ' (disabled)'}\n`);
  };

  withDefinitionOptions(withServerOptions(group.command('create <name>')))
    .description('create a saved search with an alert (defaults: trigger results>0, no actions)')
    .addHelpText('after', EXAMPLES)
    .action(async (name: string, options: DefinitionOptions) => {
      if (options.search === undefined) throw new UsageError('--search SPL is required');
      const request = definition(options, true);
      print(options, await client(options).create({ ...request, name, search: options.search, alert: request.alert ?? { trigger: 'results>0', actions: [] } }), 'created');
    });

  withDefinitionOptions(withServerOptions(group.command('update <name>')))
    .description('change the given fields of a saved search (--no-alert removes its alert)')
    .option('--no-alert', 'remove the alert (keep the scheduled search)')
    .action(async (name: string, options: DefinitionOptions & { alert?: boolean }) => {
      const request = definition(options, false);
      print(options, await client(options).update(name, options.alert === false ? { ...request, alert: null } : request), 'updated');
    });

  withServerOptions(group.command('list'))
    .description('list saved searches (bundled detections included) with their schedule and next run')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { savedSearches } = await client(options).list();
      if (options.json === true) printJson(context, { savedSearches });
      else context.io.out(renderTable(['NAME', 'ENABLED', 'CRON', 'RANGE', 'TRIGGER', 'ACTIONS', 'NEXT RUN'], savedSearches.map((s) => [s.name, s.enabled ? 'yes' : 'no', s.cron, `${s.earliest}..${s.latest}`, s.alert?.triggerText ?? '-', s.alert?.actions.map((a) => (a.type === 'webhook' ? a.url : `topic:${a.topic}`)).join(' ') || '-', s.nextRunAt ?? '-'])));
    });

  withServerOptions(group.command('show <name>'))
    .description('show one saved search as JSON')
    .action(async (name: string, options: ServerOptions) => printJson(context, await client(options).get(name)));

  withServerOptions(group.command('history <name>'))
    .description('alert history, newest first: every run with its result count, status, actions and errors')
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a whole number >= 1');
      const { runs } = await client(options).history(name, limit);
      if (options.json === true) printJson(context, { runs });
      else context.io.out(renderTable(['TIME', 'CAUSE', 'STATUS', 'RESULTS', 'FIRED', 'SUPPRESSED', 'ACTIONS', 'ERROR'], runs.map((r) => [r.time, r.cause, r.status, r.resultCount, r.firedCount, r.suppressedCount, r.actions.length === 0 ? '-' : `${r.actions.filter((a) => a.ok).length}/${r.actions.length} ok`, r.error?.message ?? ''])));
    });

  withServerOptions(group.command('run <name>'))
    .description('run the saved search now (its alert and actions too) and print the outcome')
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { json?: boolean }) => {
      const run = await client(options).dispatch(name);
      if (options.json === true) printJson(context, run);
      else context.io.out(describeRun(run));
    });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    withServerOptions(group.command(`${verb} <name>`))
      .description(`${verb} the schedule of a saved search`)
      .action(async (name: string, options: ServerOptions) => {
        await client(options).setEnabled(name, enabled);
        context.io.out(`${verb}d ${name}\n`);
      });
  }

  withServerOptions(group.command('delete <name>'))
    .description('delete a saved search with its history')
    .action(async (name: string, options: ServerOptions) => {
      await client(options).delete(name);
      context.io.out(`deleted ${name}\n`);
    });
}
