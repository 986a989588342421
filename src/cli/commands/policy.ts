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
    .option('--rewrite-arns', "rewrite resource ARNs that name another region or account (a policy copied from AWS) to this server's, and list them")
    .action(async (options: ServerOptions & { name: string; file: string; rewriteArns?: boolean }) => {
      let document: string;
      try {
        document = readFileSync(options.file, 'utf8');
      } catch (error) {
        throw new VigilError('cli.unreadable_file', `cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const created = await registryClient(clientFor(options, context)).createPolicy(options.name, document, { rewriteArns: options.rewriteArns === true });
      context.io.out(`created policy ${created.policyName} version ${created.policyVersionId} (${created.policyArn})\n`);
      for (const arn of created.rewrittenArns ?? []) context.io.out(`rewrote ${arn.path}: ${arn.arn} -> ${arn.rewritten}\n`);
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

  withServerOptions(group.command('test'))
    .description('TestAuthorization: may a device do this, and which statement decides (or which failed to match)')
    .option('--thing <name>', "the device's thing: its certificate, and the thing name as client id")
    .option('--cert <certificateId>', 'the certificate to test as (instead of, or besides, --thing)')
    .option('--client-id <id>', 'the MQTT client id (default: the thing name)')
    .requiredOption('--action <action>', 'iot:Connect, iot:Publish, iot:Subscribe or iot:Receive')
    .requiredOption('--resource <arn>', 'the resource ARN (arn:aws:iot:<region>:<account>:topic/…), or a bare topic / client id / topic filter')
    .option('--json', 'JSON output (the AWS TestAuthorization answer)')
    .action(async (options: ServerOptions & { thing?: string; cert?: string; clientId?: string; action: string; resource: string; json?: boolean }) => {
      const actionType = ACTION_TYPES_BY_ACTION[options.action.toLowerCase()];
      if (actionType === undefined) throw new UsageError(`--action must be one of ${Object.keys(ACTION_TYPES_BY_ACTION).map((a) => `iot:${a.slice(4, 5).toUpperCase()}${a.slice(5)}`).join(', ')}`);
      if (options.thing === undefined && options.cert === undefined) throw new UsageError('give --thing or --cert');
      const registry = registryClient(clientFor(options, context));
      let principal: string;
      if (options.cert !== undefined) principal = options.cert;
      else {
        const principals = (await registry.thingPrincipals(options.thing ?? '')).principals;
        if (principals[0] === undefined) throw new VigilError('certificate.not_found', `thing ${options.thing} has no certificate attached`, { hint: 'attach one with `vigil cert attach`' });
        principal = principals[0];
      }
      // A bare resource takes the server's own ARN prefix (the principal's, when it is an ARN).
      const prefix = /^(arn:[^:]+:iot:[^:]*:[^:]*):cert\//.exec(principal)?.[1] ?? arnsFor(options, context).prefix;
      const resource = options.resource.startsWith('arn:') ? options.resource : `${prefix}:${RESOURCE_KIND[actionType]}/${options.resource}`;
      const answer = await registry.testAuthorization({ principal, authInfos: [{ actionType, resources: [resource] }] }, options.clientId ?? options.thing);
      const result = answer.authResults[0];
      if (options.json === true) return printJson(context, answer);
      if (result === undefined) return;
      context.io.out(`${result.authDecision === 'ALLOWED' ? 'allowed' : 'denied'} (${result.authDecision}): ${options.action} on ${resource}\n`);
      for (const line of result.explanations ?? []) context.io.out(`  ${line}\n`);
    });
}

const ACTION_TYPES_BY_ACTION: Readonly<Record<string, string>> = { 'iot:connect': 'CONNECT', 'iot:publish': 'PUBLISH', 'iot:subscribe': 'SUBSCRIBE', 'iot:receive': 'RECEIVE' };
const RESOURCE_KIND: Readonly<Record<string, string>> = { CONNECT: 'client', PUBLISH: 'topic', SUBSCRIBE: 'topicfilter', RECEIVE: 'topic' };
