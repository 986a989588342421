import { readFileSync } from 'node:fs';
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
  readonly caFile?: string;
  readonly fingerprint?: string;
}

/** `--config FILE` (else VIGIL_CONFIG, else defaults). */
export function withConfigOption(command: Command): Command {
  return command.option('-c, --config <file>', 'config file (default: $VIGIL_CONFIG, else built-in defaults)');
}

/** `--config`, `--server URL` and `--token T` for commands that talk to a running server. */
export function withServerOptions(command: Command): Command {
  return withConfigOption(command)
    .addOption(new Option('--server <url>', 'API base URL (default: from <data_dir>/run/endpoints.json)').env('VIGIL_SERVER'))
    .addOption(new Option('--token <token>', 'API token (default: <data_dir>/secrets/admin-token)').env('VIGIL_TOKEN'))
    .addOption(new Option('--ca-file <pem>', 'HTTPS: also trust this CA (the built-in CA, <data_dir>/secrets/ca.pem, is trusted already)').env('VIGIL_CA_FILE'))
    .addOption(new Option('--fingerprint <sha256>', 'HTTPS: accept exactly the server certificate with this SHA-256 fingerprint (as `vigil up` prints it)').env('VIGIL_TLS_FINGERPRINT'));
}

/** How `--server`, `--token`, `--ca-file` and `--fingerprint` reach `VigilClient.forDataDir`. */
export function clientOverrides(options: ServerOptions): { server: string | undefined; token: string | undefined; caPem: string | undefined; fingerprint: string | undefined } {
  return { server: options.server, token: options.token, caPem: options.caFile === undefined ? undefined : readFileSync(options.caFile, 'utf8'), fingerprint: options.fingerprint };
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
  return VigilClient.forDataDir(loaded.dataDir, clientOverrides(options));
}

export function printJson(context: CliContext, value: unknown): void {
  context.io.out(`${JSON.stringify(value, null, 2)}\n`);
}
