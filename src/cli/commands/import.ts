import type { Command } from 'commander';
import { setConfigKeys } from '../../config/index.js';
import { applyContext, applyImport, importCounts, importPlanJson, planImport, readAwsExport, renderImportPlan } from '../../resources/index.js';
import type { CliContext } from '../context.js';
import { clientFor, loadConfigOrThrow, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { UsageError } from '../output.js';

interface ImportOptions extends ServerOptions {
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly output: string;
  readonly verbose?: boolean;
}

export function registerImport(program: Command, context: CliContext): void {
  const group = program.command('import').description('move an account from another system into the running server (AWS IoT: vigil import aws <dir>)');

  withServerOptions(group.command('aws <dir>'))
    .description('import an AWS IoT account exported with scripts/export-aws-iot.sh: prints the plan (create / update / unchanged / cannot carry over), then applies it with --yes; sets region and account_id in the config file')
    .option('--dry-run', 'print the plan only; change nothing (not the config file either)')
    .option('-y, --yes', 'apply the plan (without it the plan is printed and nothing changes)')
    .option('-o, --output <format>', 'plan output: table or json', 'table')
    .option('-v, --verbose', 'list unchanged items too')
    .action(async (dir: string, options: ImportOptions) => {
      if (options.output !== 'table' && options.output !== 'json') throw new UsageError(`--output ${options.output}: expected table or json`);
      const loaded = loadConfigOrThrow(options, context);
      // The export is read first: a wrong directory is reported as such, with or without a server.
      const exported = readAwsExport(dir);
      const client = clientFor(options, context);
      const { importPlan, ctx } = await planImport(client, dir, (vars) => applyContext(client, vars), exported);
      const wanted = { region: importPlan.source.region, account_id: importPlan.source.accountId };
      const configStale = loaded.config.region !== wanted.region || loaded.config.account_id !== wanted.account_id;
      const apply = options.dryRun !== true && options.yes === true;
      const configNote = !configStale
        ? undefined
        : loaded.path === undefined
          ? `No config file is in use: add "region: ${wanted.region}" and "account_id: \\"${wanted.account_id}\\"" to vigil.yaml and start the server with it (vigil up -c vigil.yaml).`
          : `${loaded.path}: region ${loaded.config.region} -> ${wanted.region}, account_id ${loaded.config.account_id} -> ${wanted.account_id}${apply ? '' : ' (to be written)'}.`;

      if (options.output === 'json') printJson(context, { ...importPlanJson(importPlan), config: { path: loaded.path ?? null, stale: configStale } });
      else {
        context.io.out(renderImportPlan(importPlan, { verbose: options.verbose === true }));
        if (configNote !== undefined) context.io.out(`Config: ${configNote}\n`);
      }
      if (options.dryRun === true || options.yes !== true) {
        if (options.output !== 'json') context.io.out(options.dryRun === true ? '(dry run: nothing was changed)\n' : 'Nothing was changed: run again with --yes to apply this plan.\n');
        return;
      }
      if (configStale && loaded.path !== undefined) {
        const written = setConfigKeys(loaded.path, wanted);
        context.io.err(`wrote ${written.join(', ')} to ${loaded.path}\n`);
      }
      // Throws import.account_mismatch (restart the server) before any write when the server still runs with other values.
      await applyImport(ctx, importPlan, (done, total, entry) => context.io.err(`[${done}/${total}] ${entry.action} ${entry.kind.label} ${entry.name}\n`));
      const counts = importCounts(importPlan);
      if (options.output !== 'json') {
        context.io.out(counts.create + counts.update === 0 ? 'No changes.\n' : `Imported: ${counts.create} created, ${counts.update} updated.\n`);
        context.io.out('Devices: point them at this server\'s MQTT endpoint (vigil cert endpoint) instead of <prefix>-ats.iot.<region>.amazonaws.com; see docs/migrate-from-aws.md.\n');
      }
    });
}
