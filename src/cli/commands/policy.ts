import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { registryClient } from '../../api/index.js';
import { VigilError, pages } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { arnsFor, clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { UsageError, renderTable } from '../output.js';

export function registerPolicy(program: Command, context: CliContext): void {
  const group = program.command('policy').description('IoT policies (IAM grammar) that authorize device connections, publishes and subscriptions');

  withServerOptions(group.command('create'))
    .description('create a policy from a JSON document')
    .requiredOption('--name <name>', 'policy name')
    .requiredOption('--file <policy.json>', 'policy document')
    .action(async (options: ServerOptions & { name: string; file: string }) => {
      let document: string;
      try {
        document = readFileSync(options.file, 'utf8');
      } catch (error) {
        throw new VigilError('cli.unreadable_file', `cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const created = await registryClient(clientFor(options, context)).createPolicy(options.name, document);
      context.io.out(`created policy ${created.policyName} version ${created.policyVersionId} (${created.policyArn})\n`);
    });

  withServerOptions(group.command('attach <name>'))
    .description('attach a policy to a certificate or a thing group')
    .option('--cert <certificateId>', 'certificate id')
    .option('--group <thingGroup>', 'thing group name')
    .option('--target <arn>', 'target ARN')
    .action(async (name: string, options: ServerOptions & { cert?: string; group?: string; target?: string }) => {
      const given = [options.cert, options.group, options.target].filter((v) => v !== undefined);
      if (given.length !== 1) throw new UsageError('give exactly one of --cert, --group, --target');
      // The server accepts a bare certificate id; a group becomes its ARN in the configured region and account.
      const target = options.target ?? options.cert ?? arnsFor(options, context).thingGroup(options.group ?? '');
      await registryClient(clientFor(options, context)).attachPolicy(name, target);
      context.io.out(`attached ${name} to ${options.cert ?? options.group ?? options.target}\n`);
    });

  withServerOptions(group.command('list'))
    .description('list policies')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const registry = registryClient(clientFor(options, context));
      const policies = await pages(async (marker) => {
        const page = await registry.listPolicies(marker);
        return { items: page.policies, next: page.nextMarker };
      });
      if (options.json === true) printJson(context, { policies });
      else context.io.out(renderTable(['POLICY', 'ARN'], policies.map((p) => [p.policyName, p.policyArn])));
    });
}
