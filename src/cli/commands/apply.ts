import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resourceVars } from '../../app/index.js';
import { applyContext, applyResources, parseResources, renderPlan } from '../../resources/index.js';
import type { CliContext } from '../context.js';
import { clientFor, loadConfigOrThrow, withServerOptions, type ServerOptions } from '../common.js';
import { UsageError } from '../output.js';

interface ApplyOptions extends ServerOptions {
  readonly file: string;
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly verbose?: boolean;
  readonly skipUnavailable?: boolean;
  readonly set: string[];
}

export function parseSets(list: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const item of list) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`--set ${item}: expected NAME=VALUE`);
    vars[item.slice(0, at)] = item.slice(at + 1);
  }
  return vars;
}

export function registerApply(program: Command, context: CliContext): void {
  withServerOptions(program.command('apply'))
    .description('make the running server hold the resources of a YAML file: prints the plan (create / update / delete / unchanged), validates everything first, then applies it')
    .requiredOption('-f, --file <file>', 'resources file (see docs/apply.md; `vigil export` writes one)')
    .option('--dry-run', 'print the plan only')
    .option('--prune', 'also delete resources of the listed kinds that the file does not name')
    .option('-v, --verbose', 'list unchanged resources too')
    .option('--skip-unavailable', 'skip kinds this server has no API for (instead of refusing the whole file)')
    .option('--set <name=value>', 'value of a ${name} placeholder (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(async (options: ApplyOptions) => {
      const loaded = loadConfigOrThrow(options, context);
      const vars = resourceVars(loaded.config, loaded.dataDir, parseSets(options.set));
      const document = parseResources(readFileSync(options.file, 'utf8'), options.file, { vars, env: context.env });
      const ctx = applyContext(clientFor(options, context), vars);
      const plan = await applyResources(ctx, document, { dryRun: options.dryRun === true, prune: options.prune === true, skipUnavailable: options.skipUnavailable === true });
      context.io.out(renderPlan(plan, { verbose: options.verbose === true }));
      if (options.dryRun === true) context.io.out('(dry run: nothing was changed)\n');
      else if (plan.entries.some((e) => e.action !== 'unchanged')) context.io.out('Applied.\n');
    });
}
