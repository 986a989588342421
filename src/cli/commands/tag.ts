import type { Command } from 'commander';
import { pages } from '../../core/index.js';
import { registryClient } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

function parseTags(list: readonly string[]): Array<{ Key: string; Value: string }> {
  return list.map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${item}: expected KEY=VALUE`);
    return { Key: item.slice(0, at), Value: item.slice(at + 1) };
  });
}

export function registerTag(program: Command, context: CliContext): void {
  const tag = program.command('tag').description('tags of registry resources by ARN (things, thing groups, thing types, certificates, CAs, policies)');

  withServerOptions(tag.command('list <arn>'))
    .description('list a resource\'s tags (ListTagsForResource)')
    .option('--json', 'JSON output')
    .action(async (arn: string, options: ServerOptions & { json?: boolean }) => {
      const registry = registryClient(clientFor(options, context));
      const tags = await pages(async (token) => {
        const listed = await registry.listTagsForResource(arn, token);
        return { items: listed.tags, next: listed.nextToken };
      });
      if (options.json === true) printJson(context, { tags });
      else context.io.out(renderTable(['KEY', 'VALUE'], tags.map((t) => [t.Key, t.Value])));
    });

  withServerOptions(tag.command('add <arn> <tags...>'))
    .description('add or replace tags, each KEY=VALUE (TagResource)')
    .action(async (arn: string, tags: string[], options: ServerOptions) => {
      const parsed = parseTags(tags);
      await registryClient(clientFor(options, context)).tagResource(arn, parsed);
      context.io.out(`tagged ${arn}: ${parsed.map((t) => t.Key).join(', ')}\n`);
    });

  withServerOptions(tag.command('remove <arn> <keys...>'))
    .description('remove tags by key (UntagResource)')
    .action(async (arn: string, keys: string[], options: ServerOptions) => {
      await registryClient(clientFor(options, context)).untagResource(arn, keys);
      context.io.out(`untagged ${arn}: ${keys.join(', ')}\n`);
    });
}
