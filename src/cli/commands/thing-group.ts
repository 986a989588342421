import type { Command } from 'commander';
import { pages } from '../../core/index.js';
import { registryClient } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable } from '../output.js';

export function registerThingGroup(program: Command, context: CliContext): void {
  const group = program.command('thing-group').description('static thing groups (policies attached to a group apply to its members and to members of its child groups)');

  withServerOptions(group.command('create <name>'))
    .description('create a thing group')
    .option('--parent <group>', 'parent group')
    .action(async (name: string, options: ServerOptions & { parent?: string }) => {
      const created = await registryClient(clientFor(options, context)).createThingGroup(name, options.parent);
      context.io.out(`created thing group ${created.thingGroupName} (${created.thingGroupArn})\n`);
    });

  withServerOptions(group.command('add <group> <thing>'))
    .description('add a thing to a group')
    .action(async (groupName: string, thingName: string, options: ServerOptions) => {
      await registryClient(clientFor(options, context)).addThingToThingGroup(groupName, thingName);
      context.io.out(`added ${thingName} to ${groupName}\n`);
    });

  withServerOptions(group.command('list'))
    .description('list thing groups')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const registry = registryClient(clientFor(options, context));
      const groups = await pages(async (token) => {
        const page = await registry.listThingGroups(token);
        return { items: page.thingGroups, next: page.nextToken };
      });
      if (options.json === true) printJson(context, { thingGroups: groups });
      else context.io.out(renderTable(['GROUP', 'ARN'], groups.map((g) => [g.groupName, g.groupArn])));
    });
}
