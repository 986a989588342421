import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pages } from '../../core/index.js';
import { parse } from 'yaml';
import { detectClient } from '../../api/index.js';
import { arns } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { arnsFor, clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { UsageError, renderTable } from '../output.js';

const ARN_TARGETS: Readonly<Record<string, string>> = { 'all/things': 'all/things', 'all/registered-things': 'all/registered-things', 'all/unregistered-things': 'all/unregistered-things' };

/** A profile document from a JSON or YAML file (CreateSecurityProfile's body, optionally with securityProfileName). */
function readDocument(file: string | undefined): Record<string, unknown> {
  if (file === undefined) throw new UsageError('-f FILE is required');
  const text = readFileSync(file, 'utf8');
  const value = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${file} must hold an object (a CreateSecurityProfile body)`);
  return value as Record<string, unknown>;
}

function nameOf(name: string | undefined, document: Record<string, unknown>): string {
  const found = name ?? (typeof document['securityProfileName'] === 'string' ? document['securityProfileName'] : undefined);
  if (found === undefined) throw new UsageError('name the profile: an argument or securityProfileName in the file');
  return found;
}

export function registerProfile(program: Command, context: CliContext): void {
  const group = program.command('profile').description('Device Defender security profiles (behaviors, alert targets, retained and exported metrics)');

  withServerOptions(group.command('create [name]'))
    .description('create a security profile from a JSON/YAML file')
    .requiredOption('-f, --file <file>', 'CreateSecurityProfile body (JSON or YAML)')
    .action(async (name: string | undefined, options: ServerOptions & { file: string }) => {
      const { securityProfileName: _n, ...document } = readDocument(options.file);
      const created = await detectClient(clientFor(options, context)).createProfile(nameOf(name, { securityProfileName: _n, ...document }), document);
      context.io.out(`created security profile ${created.securityProfileName} (${created.securityProfileArn})\n`);
    });

  withServerOptions(group.command('update [name]'))
    .description('update a security profile from a JSON/YAML file')
    .requiredOption('-f, --file <file>', 'UpdateSecurityProfile body (JSON or YAML)')
    .option('--expected-version <n>', 'fail unless the profile is at this version')
    .action(async (name: string | undefined, options: ServerOptions & { file: string; expectedVersion?: string }) => {
      const { securityProfileName: _n, ...document } = readDocument(options.file);
      const updated = await detectClient(clientFor(options, context)).updateProfile(nameOf(name, { securityProfileName: _n, ...document }), document, options.expectedVersion === undefined ? undefined : Number(options.expectedVersion));
      context.io.out(`updated security profile ${String(updated.securityProfileName)} to version ${String(updated.version)}\n`);
    });

  withServerOptions(group.command('describe <name>'))
    .description('print a security profile (JSON)')
    .action(async (name: string, options: ServerOptions) => printJson(context, await detectClient(clientFor(options, context)).describeProfile(name)));

  withServerOptions(group.command('list'))
    .description('list security profiles')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const client = detectClient(clientFor(options, context));
      const all = await pages(async (token) => {
        const page = await client.listProfiles(token);
        return { items: page.securityProfileIdentifiers, next: page.nextToken };
      });
      if (options.json === true) printJson(context, { securityProfileIdentifiers: all });
      else context.io.out(renderTable(['PROFILE', 'ARN'], all.map((p) => [p.name, p.arn])));
    });

  withServerOptions(group.command('attach <name> <target>'))
    .description('attach a profile to a target: a thing-group name, all/things, all/registered-things, all/unregistered-things, or a full target ARN')
    .option('--region <region>', 'region in the target ARN (default: the configured region)')
    .option('--account <id>', 'account id in the target ARN (default: the configured account_id)')
    .action(async (name: string, target: string, options: ServerOptions & { region?: string; account?: string }) => {
      const configured = arnsFor(options, context);
      const arn = target.startsWith('arn:') ? target : arns(options.region ?? configured.region, options.account ?? configured.accountId).iot(ARN_TARGETS[target] ?? `thinggroup/${target}`);
      await detectClient(clientFor(options, context)).attach(name, arn);
      context.io.out(`attached ${name} to ${arn}\n`);
    });

  withServerOptions(group.command('validate'))
    .description('validate the behaviors of a profile file; exits 1 when invalid')
    .requiredOption('-f, --file <file>', 'a profile file (its behaviors are validated)')
    .action(async (options: ServerOptions & { file: string }) => {
      const document = readDocument(options.file);
      const result = await detectClient(clientFor(options, context)).validate(document['behaviors'] ?? []);
      if (result.valid) {
        context.io.out('valid\n');
        return;
      }
      for (const e of result.validationErrors) context.io.out(`${e.errorMessage}\n`);
      throw new UsageError(`${result.validationErrors.length} validation error(s)`);
    });
}
