import type { Command } from 'commander';
import { pages } from '../../core/index.js';
import { registryClient, type ThingSummary } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { UsageError, renderTable } from '../output.js';

/** `--attr k=v` (repeatable) into an attributes map. */
export function parseAttributes(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const index = pair.indexOf('=');
    if (index <= 0) throw new UsageError(`--attr expects name=value, got "${pair}"`);
    out[pair.slice(0, index)] = pair.slice(index + 1);
  }
  return out;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerThing(program: Command, context: CliContext): void {
  const group = program.command('thing').description('things (devices) in the registry');

  const types = group.command('type').description('thing types (CreateThingType, ListThingTypes, DeprecateThingType)');
  withServerOptions(types.command('create <name>'))
    .description('create a thing type')
    .option('--description <text>', 'description')
    .option('--searchable <attribute>', 'searchable attribute (repeatable, at most 3)', collect, [])
    .action(async (name: string, options: ServerOptions & { description?: string; searchable: string[] }) => {
      const created = await registryClient(clientFor(options, context)).createThingType(name, { ...(options.description === undefined ? {} : { description: options.description }), searchableAttributes: options.searchable });
      context.io.out(`created thing type ${created.thingTypeName} (${created.thingTypeArn})\n`);
    });
  withServerOptions(types.command('list'))
    .description('list thing types')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const registry = registryClient(clientFor(options, context));
      const thingTypes = await pages(async (token) => {
        const listed = await registry.listThingTypes(token);
        return { items: listed.thingTypes, next: listed.nextToken };
      });
      if (options.json === true) printJson(context, { thingTypes });
      else context.io.out(renderTable(['THING TYPE', 'DEPRECATED', 'DESCRIPTION'], thingTypes.map((t) => [t.thingTypeName, t.thingTypeMetadata.deprecated ? 'yes' : 'no', t.thingTypeProperties.thingTypeDescription ?? ''])));
    });
  withServerOptions(types.command('delete <name>'))
    .description('delete a thing type deprecated at least 5 minutes ago that no thing has (DeleteThingType)')
    .action(async (name: string, options: ServerOptions) => {
      await registryClient(clientFor(options, context)).deleteThingType(name);
      context.io.out(`deleted thing type ${name}\n`);
    });
  withServerOptions(types.command('deprecate <name>'))
    .description('deprecate a thing type (no new thing may take it); --undo clears it')
    .option('--undo', 'undo the deprecation')
    .action(async (name: string, options: ServerOptions & { undo?: boolean }) => {
      await registryClient(clientFor(options, context)).deprecateThingType(name, options.undo === true);
      context.io.out(`thing type ${name} is ${options.undo === true ? 'no longer deprecated' : 'deprecated'}\n`);
    });

  withServerOptions(group.command('create <name>'))
    .description('create a thing')
    .option('--type <thingTypeName>', 'thing type name')
    .option('--attr <name=value>', 'attribute (repeatable)', collect, [])
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { type?: string; attr: string[]; json?: boolean }) => {
      const created = await registryClient(clientFor(options, context)).createThing(name, { ...(options.type === undefined ? {} : { thingTypeName: options.type }), attributes: parseAttributes(options.attr) });
      if (options.json === true) printJson(context, created);
      else context.io.out(`created thing ${created.thingName} (${created.thingArn})\n`);
    });

  withServerOptions(group.command('list'))
    .description('list things')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const registry = registryClient(clientFor(options, context));
      const things: ThingSummary[] = await pages(async (token) => {
        const page = await registry.listThings(token);
        return { items: page.things, next: page.nextToken };
      });
      if (options.json === true) printJson(context, { things });
      else context.io.out(renderTable(['THING', 'TYPE', 'VERSION', 'ATTRIBUTES'], things.map((t) => [t.thingName, t.thingTypeName ?? '', t.version, Object.entries(t.attributes).map(([k, v]) => `${k}=${v}`).join(',')])));
    });

  withServerOptions(group.command('describe <name>'))
    .description('show a thing, its certificates and its groups')
    .action(async (name: string, options: ServerOptions) => {
      const registry = registryClient(clientFor(options, context));
      const [thing, principals, groups] = await Promise.all([registry.describeThing(name), registry.thingPrincipals(name), registry.thingGroups(name)]);
      printJson(context, { ...thing, principals: principals.principals, thingGroups: groups.thingGroups.map((g) => g.groupName) });
    });

  withServerOptions(group.command('delete <name>'))
    .description('delete a thing (detach its certificates first)')
    .action(async (name: string, options: ServerOptions) => {
      await registryClient(clientFor(options, context)).deleteThing(name);
      context.io.out(`deleted thing ${name}\n`);
    });
}
