import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { respondClient, type PlaybookBody, type PlaybookRunView, type PlaybookView } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

const EXAMPLES = `
Examples:
  vigil playbook create -f examples/playbooks/new-listening-port-quarantine.yaml
  vigil playbook enable new-listening-port-quarantine
  vigil playbook list
  vigil playbook runs new-listening-port-quarantine
  vigil playbook show-run RUN_ID            # every step: status, attempts, times, message
  vigil respond approve RUN_ID              # or: vigil playbook approve RUN_ID
  vigil playbook undo RUN_ID                # undo its quarantine / deactivate_certificate steps
  vigil playbook run tag-device --var thing=cam-7

A playbook file (YAML or JSON) holds name, description, enabled, dry_run, trigger, limits and steps
(see docs/respond.md).`;

function readDocument(file: string): PlaybookBody {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${file} must hold one playbook (a mapping with name, trigger and steps)`);
  return value as PlaybookBody;
}

function describePlaybook(p: PlaybookView): string {
  return `${p.name}: ${p.enabled ? 'enabled' : 'disabled'}${p.dry_run ? ', dry run' : ''}; trigger ${JSON.stringify(p.trigger)}; ${p.steps.map((s) => s.type).join(' → ')}; at most ${p.limits.max_things_per_hour} things/hour\n`;
}

export function describeRun(run: PlaybookRunView): string {
  const head = `run ${run.id} of ${run.playbook}: ${run.state}${run.dryRun ? ' (dry run)' : ''}${run.thing === '' ? '' : `, thing ${run.thing}`}\n  trigger: ${run.trigger.summary} at ${run.trigger.time}\n`;
  const waiting = run.approval === undefined ? '' : `  waiting for ${run.approval.reason === 'rate_limit' ? 'an answer: the playbook reached its hourly limit of things' : 'approval'} until ${run.approval.deadline} (then: ${run.approval.default}); answer with vigil respond approve|deny ${run.id}\n`;
  const steps = renderTable(['#', 'STEP', 'STATUS', 'ATTEMPTS', 'STARTED', 'ENDED', 'MESSAGE'], run.steps.map((s) => [s.index, s.type, s.status, s.attempts, s.startedAt ?? '-', s.endedAt ?? '-', s.error === undefined ? (s.message ?? '') : `${s.error.code}: ${s.error.message}`]));
  return `${head}${waiting}${steps}`;
}

/** `vigil playbook create|replace|list|show|enable|disable|delete|run|runs|show-run|approve|deny|undo`. */
export function registerPlaybook(program: Command, context: CliContext): void {
  const group = program.command('playbook').description('playbooks: act on alerts, violations and audit findings (quarantine, deactivate, disconnect, notify, approval …), with run history and undo').addHelpText('after', EXAMPLES);
  const client = (options: ServerOptions) => respondClient(clientFor(options, context));
  const printPlaybook = (options: { json?: boolean }, playbook: PlaybookView, verb: string) => (options.json === true ? printJson(context, playbook) : context.io.out(`${verb} ${describePlaybook(playbook)}`));
  const printRun = (options: { json?: boolean }, run: PlaybookRunView) => (options.json === true ? printJson(context, run) : context.io.out(describeRun(run)));

  withServerOptions(group.command('create'))
    .description('create a playbook from a YAML or JSON file (disabled unless the file says enabled: true)')
    .requiredOption('-f, --file <file>', 'the playbook file')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { file: string; json?: boolean }) => printPlaybook(options, await client(options).create(readDocument(options.file)), 'created'));

  withServerOptions(group.command('replace <name>'))
    .description("replace a playbook's document from a file (its runs stay)")
    .requiredOption('-f, --file <file>', 'the playbook file')
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { file: string; json?: boolean }) => printPlaybook(options, await client(options).replace(name, readDocument(options.file)), 'replaced'));

  withServerOptions(group.command('list'))
    .description('list playbooks')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { playbooks } = await client(options).list();
      if (options.json === true) printJson(context, { playbooks });
      else context.io.out(renderTable(['NAME', 'ENABLED', 'DRY RUN', 'TRIGGER', 'STEPS', 'THINGS/H'], playbooks.map((p) => [p.name, p.enabled ? 'yes' : 'no', p.dry_run ? 'yes' : 'no', Object.entries(p.trigger).map(([k, v]) => `${k}=${String(v)}`).join(' '), p.steps.map((s) => s.type).join(','), p.limits.max_things_per_hour])));
    });

  withServerOptions(group.command('show <name>'))
    .description('show one playbook as JSON (its document)')
    .action(async (name: string, options: ServerOptions) => printJson(context, await client(options).get(name)));

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    withServerOptions(group.command(`${verb} <name>`))
      .description(`${verb} a playbook (${enabled ? 'its trigger starts runs' : 'its trigger starts nothing'})`)
      .action(async (name: string, options: ServerOptions) => {
        await client(options).setEnabled(name, enabled);
        context.io.out(`${verb}d ${name}\n`);
      });
  }

  withServerOptions(group.command('delete <name>'))
    .description('delete a playbook and its runs')
    .action(async (name: string, options: ServerOptions) => {
      await client(options).delete(name);
      context.io.out(`deleted ${name}\n`);
    });

  withServerOptions(group.command('run <name>'))
    .description('run a playbook now (enabled or not) with the given variables; prints the run as it stands')
    .option('--var <name=value>', 'a variable (thing, certificate_id, port, …); repeatable', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { var?: string[]; json?: boolean }) => {
      const variables: Record<string, string> = {};
      for (const pair of options.var ?? []) {
        const at = pair.indexOf('=');
        if (at < 1) throw new UsageError(`--var "${pair}" is not name=value`);
        variables[pair.slice(0, at)] = pair.slice(at + 1);
      }
      printRun(options, await client(options).run(name, variables));
    });

  withServerOptions(group.command('runs [name]'))
    .description('runs of a playbook (or of every playbook), newest first')
    .option('--state <state>', 'only runs in this state (waiting_approval, paused_rate_limit, failed, …)')
    .option('--limit <n>', 'runs per page', '50')
    .option('--next-token <token>', 'the page after the one that printed this token')
    .option('--json', 'JSON output')
    .action(async (name: string | undefined, options: ServerOptions & { state?: string; limit: string; nextToken?: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 250) throw new UsageError('--limit must be a whole number in 1..250');
      const query = { limit, ...(options.state === undefined ? {} : { state: options.state }), ...(options.nextToken === undefined ? {} : { nextToken: options.nextToken }) };
      const page = name === undefined ? await client(options).allRuns(query) : await client(options).runs(name, query);
      if (options.json === true) return printJson(context, page);
      context.io.out(renderTable(['ID', 'PLAYBOOK', 'STATE', 'THING', 'CREATED', 'STEPS', 'TRIGGER'], page.runs.map((r) => [r.id, r.playbook, r.state, r.thing || '-', r.createdAt, r.steps.map((s) => `${s.type}:${s.status}`).join(' '), r.trigger.summary])));
      if (page.nextToken !== undefined) context.io.out(`more: --next-token ${page.nextToken}\n`);
    });

  withServerOptions(group.command('show-run <id>'))
    .description('one run: every step with its status, attempts, times and message')
    .option('--json', 'JSON output')
    .action(async (id: string, options: ServerOptions & { json?: boolean }) => printRun(options, await client(options).getRun(id)));

  registerAnswers(group, context);
}

/** approve / deny / undo of a run: under `vigil playbook` and under `vigil respond`. */
function registerAnswers(group: Command, context: CliContext): void {
  const client = (options: ServerOptions) => respondClient(clientFor(options, context));
  for (const verb of ['approve', 'deny'] as const) {
    withServerOptions(group.command(`${verb} <run-id>`))
      .description(verb === 'approve' ? 'approve a waiting run (an approval step, or a playbook past its hourly limit): it goes on' : 'deny a waiting run: its remaining steps are skipped')
      .option('--by <who>', 'who answers (recorded on the run)')
      .option('--json', 'JSON output')
      .action(async (id: string, options: ServerOptions & { by?: string; json?: boolean }) => {
        const run = await client(options)[verb](id, options.by);
        if (options.json === true) printJson(context, run);
        else context.io.out(`${verb === 'approve' ? 'approved' : 'denied'} run ${id} of ${run.playbook}: ${run.state}\n`);
      });
  }
  withServerOptions(group.command('undo <run-id>'))
    .description("undo a run's quarantine (restores the thing's groups) and deactivate_certificate (reactivates) steps")
    .option('--json', 'JSON output')
    .action(async (id: string, options: ServerOptions & { json?: boolean }) => {
      const run = await client(options).undo(id);
      if (options.json === true) printJson(context, run);
      else context.io.out(describeRun(run));
    });
}

/** `vigil respond approve|deny|undo RUN_ID`: the answers an approval request names. */
export function registerRespond(program: Command, context: CliContext): void {
  const group = program.command('respond').description('answer playbook runs: approve or deny a waiting run, undo a finished one');
  registerAnswers(group, context);
}
