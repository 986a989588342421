import type { Command } from 'commander';
import { VigilClient } from '../../api/index.js';
import type { CliStores } from '../../app/index.js';
import { VigilError, systemClock } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { clientOverrides, loadConfigOrThrow, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable } from '../output.js';

type Target = { kind: 'server'; client: VigilClient } | { kind: 'local'; run<T>(fn: (stores: CliStores) => Promise<T>): Promise<T> };

/** Talks to the running server when there is one; otherwise opens the registry directly. */
async function target(options: ServerOptions, context: CliContext): Promise<Target> {
  const loaded = loadConfigOrThrow(options, context);
  try {
    const client = VigilClient.forDataDir(loaded.dataDir, clientOverrides(options));
    if (options.server !== undefined || (await client.health())) return { kind: 'server', client };
  } catch (error) {
    if (options.server !== undefined || !(error instanceof VigilError) || error.code !== 'client.no_server') throw error;
  }
  return {
    kind: 'local',
    async run(fn) {
      // Loaded only on this path: the stores and their drivers.
      const { openStoresForCli } = await import('../lazy-offline.js');
      const stores = await openStoresForCli(loaded);
      try {
        return await fn(stores);
      } finally {
        await stores.close();
      }
    },
  };
}

export function registerAccessKey(program: Command, context: CliContext): void {
  const group = program.command('access-key').description('AWS SigV4 access keys for AWS SDK / CLI clients');

  withServerOptions(group.command('create'))
    .description('create a key; the secret is shown once')
    .option('-d, --description <text>', 'what the key is for', '')
    .option('--json', 'print {"accessKeyId", "secretAccessKey"} only, for scripts')
    .action(async (options: ServerOptions & { description: string; json?: boolean }) => {
      const t = await target(options, context);
      const key = t.kind === 'server'
        ? await t.client.accessKeys.create(options.description)
        : await t.run(async (stores) => {
            const { createAccessKey, Telemetry, createLogger } = await import('../lazy-offline.js');
            const created = await createAccessKey({ clock: systemClock, accessKeys: stores.accessKeys, telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })) }, options.description);
            return { ...created, createdAt: new Date(created.createdAt).toISOString() };
          });
      if (options.json === true) {
        printJson(context, { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
        return;
      }
      context.io.out(`accessKeyId:     ${key.accessKeyId}\nsecretAccessKey: ${key.secretAccessKey}\n\nThe secret is shown only now. Use it as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY with an AWS SDK whose endpoint is this Vigil's API.\n`);
    });

  withServerOptions(group.command('list'))
    .description('list keys (never their secrets)')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const t = await target(options, context);
      const keys = t.kind === 'server'
        ? (await t.client.accessKeys.list()).accessKeys
        : await t.run(async (stores) => (await stores.accessKeys.list()).map((k) => ({ accessKeyId: k.accessKeyId, description: k.description, createdAt: new Date(k.createdAt).toISOString() })));
      if (options.json === true) printJson(context, { accessKeys: keys });
      else context.io.out(renderTable(['ACCESS KEY ID', 'CREATED', 'DESCRIPTION'], keys.map((k) => [k.accessKeyId, k.createdAt, k.description])));
    });

  withServerOptions(group.command('delete <accessKeyId>'))
    .description('delete a key; requests signed with it are refused from then on')
    .action(async (accessKeyId: string, options: ServerOptions) => {
      const t = await target(options, context);
      if (t.kind === 'server') await t.client.accessKeys.delete(accessKeyId);
      else {
        const deleted = await t.run((stores) => stores.accessKeys.delete(accessKeyId));
        if (!deleted) throw new VigilError('access_key.not_found', `no access key ${accessKeyId}`, { hint: 'list keys with `vigil access-key list`' });
      }
      context.io.out(`deleted ${accessKeyId}\n`);
    });
}
