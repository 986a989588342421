import { Option, type Command } from 'commander';
import { VigilClient } from '../api/index.js';
import { loadVigilConfig, type LoadedVigilConfig } from '../app/index.js';
import { arns, type Arns } from '../protocol/index.js';
import type { CliContext } from './context.js';

export interface ConfigOptions {
  readonly config?: string;
}

export interface ServerOptions extends ConfigOptions {
  readonly server?: string;
  readonly token?: string;
}

/** `--config FILE` (else VIGIL_CONFIG, else defaults). */
export function withConfigOption(command: Command): Command {
  return command.option('-c, --config <file>', 'config file (default: $VIGIL_CONFIG, else built-in defaults)');
}

/** `--config`, `--server URL` and `--token T` for commands that talk to a running server. */
export function withServerOptions(command: Command): Command {
  return withConfigOption(command)
    .addOption(new Option('--server <url>', 'API base URL (default: from <data_dir>/run/endpoints.json)').env('VIGIL_SERVER'))
    .addOption(new Option('--token <token>', 'API token (default: <data_dir>/secrets/admin-token)').env('VIGIL_TOKEN'));
}

export function loadConfigOrThrow(options: ConfigOptions, context: CliContext): LoadedVigilConfig {
  const loaded = loadVigilConfig(options.config, context.env);
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
}

/** ARNs in the configured region and account (`region`, `account_id`). */
export function arnsFor(options: ConfigOptions, context: CliContext): Arns {
  const { config } = loadConfigOrThrow(options, context);
  return arns(config.region, config.account_id);
}

/** A client for the running server named by the options (or found through the data directory). */
export function clientFor(options: ServerOptions, context: CliContext): VigilClient {
  const loaded = loadConfigOrThrow(options, context);
  return VigilClient.forDataDir(loaded.dataDir, { server: options.server, token: options.token });
}

export function printJson(context: CliContext, value: unknown): void {
  context.io.out(`${JSON.stringify(value, null, 2)}\n`);
}
