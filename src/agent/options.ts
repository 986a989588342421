import { Option, type Command } from 'commander';
import { VigilError, err, ok, type Result } from '../core/index.js';
import { checkThingName, type KeyStyle, type ReportFormat } from '../protocol/index.js';
import type { LogLevel } from './logger.js';

/** §1.6: devices report at most once every 5 minutes; shorter only for demos and tests. */
export const MIN_INTERVAL_SECS = 300;

export interface AgentOptions {
  readonly endpoint: string;
  readonly thingName: string;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly caFile: string | undefined;
  readonly format: ReportFormat;
  readonly keys: KeyStyle;
  readonly intervalSecs: number;
  readonly once: boolean;
  readonly print: boolean;
  readonly configFile: string | undefined;
  readonly logLevel: LogLevel;
  /** How long `--once` waits for the broker's answer. */
  readonly responseTimeoutSecs: number;
}

/** Adds the agent's flags to a command (shared by `vigil agent` and the bundled `vigil-agent`). */
export function addAgentOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'broker URL, mqtts://HOST:8883')
    .option('--thing-name <name>', 'thing name: MQTT client id and report topic')
    .option('--cert <file>', 'device certificate (PEM)')
    .option('--key <file>', 'device private key (PEM)')
    .option('--ca <file>', 'CA certificate that signed the broker certificate (PEM)')
    .addOption(new Option('--format <format>', 'report encoding').choices(['json', 'cbor']).default('json'))
    .addOption(new Option('--keys <style>', 'report key names').choices(['long', 'short']).default('long'))
    .option('--interval <secs>', 'seconds between reports', String(MIN_INTERVAL_SECS))
    .option('--allow-short-interval', 'allow --interval below 300 s (demos and tests)', false)
    .option('--once', 'send one report, wait for the answer and exit (0 if accepted)', false)
    .option('--print', 'collect one report and print it without connecting', false)
    .option('--config <file>', 'agent config file (custom metrics)')
    .option('--response-timeout <secs>', 'with --once: how long to wait for the answer', '30')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'));
}

const usage = (message: string, hint?: string): Result<AgentOptions> => err(new VigilError('agent.usage', message, hint === undefined ? {} : { hint }));

/** Checks the parsed flags; every failure is an `agent.usage` error. */
export function agentOptionsFrom(raw: Record<string, unknown>): Result<AgentOptions> {
  const str = (name: string): string | undefined => (typeof raw[name] === 'string' ? raw[name] : undefined);
  const print = raw['print'] === true;
  const thingName = str('thingName') ?? (print ? 'vigil-agent' : undefined);
  if (thingName === undefined) return usage('--thing-name is required');
  const name = checkThingName(thingName);
  if (!name.ok) return usage(`--thing-name: ${name.error.message}`);
  const endpoint = str('endpoint');
  if (!print) {
    if (endpoint === undefined) return usage('--endpoint is required (mqtts://HOST:8883)');
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return usage(`--endpoint ${endpoint} is not a URL`, 'use mqtts://HOST:8883');
    }
    if (url.protocol !== 'mqtts:') return usage(`--endpoint must use mqtts:// (TLS with a client certificate), not ${url.protocol}//`);
    for (const flag of ['cert', 'key', 'ca']) if (str(flag) === undefined) return usage(`--${flag} is required to connect`);
  }
  const intervalSecs = Number(str('interval') ?? MIN_INTERVAL_SECS);
  if (!Number.isInteger(intervalSecs) || intervalSecs < 1) return usage('--interval must be a whole number of seconds');
  if (intervalSecs < MIN_INTERVAL_SECS && raw['allowShortInterval'] !== true) {
    return usage(`--interval ${intervalSecs} is below ${MIN_INTERVAL_SECS} s; brokers throttle faster reports`, 'add --allow-short-interval for demos and tests');
  }
  const responseTimeoutSecs = Number(str('responseTimeout') ?? 30);
  if (!Number.isFinite(responseTimeoutSecs) || responseTimeoutSecs <= 0) return usage('--response-timeout must be a positive number of seconds');
  return ok({
    endpoint: endpoint ?? '',
    thingName,
    certFile: str('cert'),
    keyFile: str('key'),
    caFile: str('ca'),
    format: str('format') === 'cbor' ? 'cbor' : 'json',
    keys: str('keys') === 'short' ? 'short' : 'long',
    intervalSecs,
    once: raw['once'] === true,
    print,
    configFile: str('config'),
    logLevel: (str('logLevel') ?? 'info') as LogLevel,
    responseTimeoutSecs,
  });
}
