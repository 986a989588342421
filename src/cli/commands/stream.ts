import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { streamClient, type StreamBody } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

interface CreateOptions extends ServerOptions {
  readonly file?: string;
  readonly hecEndpoint?: string;
  readonly hecToken?: string;
  readonly endpointType?: string;
  readonly transform?: string;
  readonly sourcetype?: string;
  readonly retrySecs?: string;
  readonly intervalSecs?: string;
  readonly sizeMb?: string;
  readonly noAck?: boolean;
  readonly json?: boolean;
}

/** A definition from --file (JSON), or a splunk-hec stream from flags. */
function definitionFrom(name: string | undefined, options: CreateOptions): StreamBody {
  if (options.file !== undefined) {
    // The server checks the file against the stream contract and reports every problem.
    const parsed = JSON.parse(readFileSync(options.file, 'utf8')) as StreamBody;
    return name === undefined ? parsed : { ...parsed, name };
  }
  if (name === undefined || options.hecEndpoint === undefined || options.hecToken === undefined) {
    throw new UsageError('give NAME with --hec-endpoint and --hec-token, or --file definition.json');
  }
  return {
    name,
    sink: { type: 'splunk-hec', endpoint: options.hecEndpoint, token: options.hecToken, endpointType: options.endpointType ?? 'Event', ...(options.noAck === true ? { ack: false } : {}) },
    processors: options.transform === undefined ? [] : [{ type: options.transform, parameters: options.sourcetype === undefined ? {} : { sourcetype: options.sourcetype } }],
    buffering: { ...(options.intervalSecs === undefined ? {} : { intervalSecs: Number(options.intervalSecs) }), ...(options.sizeMb === undefined ? {} : { sizeBytes: Number(options.sizeMb) * 1024 * 1024 }) },
    ...(options.retrySecs === undefined ? {} : { retryDurationSecs: Number(options.retrySecs) }),
  };
}

export function registerStream(program: Command, context: CliContext): void {
  const group = program.command('stream').description('delivery streams (Firehose analog): buffer, transform, deliver to Splunk HEC / HTTP / files, back up failures');
  const streams = (options: ServerOptions) => streamClient(clientFor(options, context));

  const withDefinitionFlags = (command: Command): Command =>
    command
      .option('-f, --file <definition.json>', 'full definition as JSON (see docs/stream.md)')
      .option('--hec-endpoint <url>', 'Splunk HEC base URL, e.g. https://splunk:8088')
      .option('--hec-token <token>', 'HEC token')
      .option('--endpoint-type <type>', 'Event or Raw', 'Event')
      .option('--no-ack', 'do not use indexer acknowledgement')
      .option('--transform <name>', 'built-in transform, e.g. split-device-defender')
      .option('--sourcetype <name>', 'sourcetype for the transform')
      .option('--retry-secs <n>', 'retry duration in seconds (0–7200)')
      .option('--interval-secs <n>', 'buffering interval in seconds')
      .option('--size-mb <n>', 'buffering size in MiB')
      .option('--json', 'JSON output');

  withDefinitionFlags(withServerOptions(group.command('create [name]')))
    .description('create a stream')
    .action(async (name: string | undefined, options: CreateOptions) => {
      const created = await streams(options).create(definitionFrom(name, options));
      if (options.json === true) printJson(context, created);
      else context.io.out(`created stream ${created.name} (version ${created.version}, sink ${created.sink.type})\n`);
    });

  withDefinitionFlags(withServerOptions(group.command('update <name>')))
    .description('replace a stream definition (buffered records are kept; the version goes up)')
    .option('--expected-version <n>', 'refuse if the stream is no longer at this version')
    .action(async (name: string, options: CreateOptions & { expectedVersion?: string }) => {
      const updated = await streams(options).update(name, definitionFrom(name, options), options.expectedVersion === undefined ? undefined : Number(options.expectedVersion));
      if (options.json === true) printJson(context, updated);
      else context.io.out(`updated stream ${updated.name} to version ${updated.version}\n`);
    });

  withServerOptions(group.command('describe <name>'))
    .description('show a stream definition (secrets redacted)')
    .action(async (name: string, options: ServerOptions) => printJson(context, await streams(options).describe(name)));

  withServerOptions(group.command('list'))
    .description('list streams')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { streams: list } = await streams(options).list();
      if (options.json === true) printJson(context, { streams: list });
      else context.io.out(renderTable(['NAME', 'VERSION', 'SINK', 'PROCESSORS', 'RETRY (s)'], list.map((s) => [s.name, s.version, s.sink.type, s.processors.map((p) => p.type).join(','), s.retryDurationSecs])));
    });

  withServerOptions(group.command('delete <name>'))
    .description('delete a stream and the records it still buffers')
    .action(async (name: string, options: ServerOptions) => {
      await streams(options).delete(name);
      context.io.out(`deleted stream ${name}\n`);
    });

  withServerOptions(group.command('status <name>'))
    .description('delivery metrics: incoming, delivered, freshness, ack latency, retries, backups')
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { json?: boolean }) => {
      const s = await streams(options).status(name);
      if (options.json === true) {
        printJson(context, s);
        return;
      }
      const rows: Array<[string, unknown]> = [
        ['incoming records / bytes', `${s.incomingRecords} / ${s.incomingBytes}`],
        ['delivered records / bytes', `${s.deliveredRecords} / ${s.deliveredBytes}`],
        ['dropped by transform', s.droppedRecords],
        ['in outbox (records / bytes)', `${s.outboxRecords} / ${s.outboxBytes}`],
        ['batches in flight', s.inFlightBatches],
        ['data freshness (s)', s.dataFreshnessSecs],
        ['last ack latency (ms)', s.lastAckLatencyMs ?? '-'],
        ['retries', s.retries],
        ['backed up', Object.entries(s.backedUpRecords).map(([k, v]) => `${k}: ${v}`).join(', ') || '0'],
        ['destination probe', s.probe === null ? '-' : `${s.probe.ok ? 'ok' : 'FAILED'}: ${s.probe.detail}`],
        ['last error', lastErrorText(s)],
        ['replay', s.replay === null ? '-' : `${s.replay.state}: ${s.replay.records} records from ${s.replay.objects} objects, started ${s.replay.startedAt}${s.replay.finishedAt === null ? '' : `, finished ${s.replay.finishedAt}`}${s.replay.resumes > 0 ? `, resumed ${s.replay.resumes}x (${s.replay.resumedObjects} objects already queued)` : ''}`],
      ];
      context.io.out(`stream ${s.name} (version ${s.version}, sink ${s.sink})\n${renderTable(['METRIC', 'VALUE'], rows)}`);
    });

  withServerOptions(group.command('replay <name>'))
    .description('re-put the failed records found in the stream\'s backup directory (they move to replayed/)')
    .action(async (name: string, options: ServerOptions) => {
      const result = await streams(options).replay(name);
      context.io.out(`replayed ${result.records} records from ${result.objects} backup objects into ${name}\n`);
      if (result.resumes > 0) context.io.out(`(resumed ${result.resumes}x after an interruption: ${result.resumedObjects} objects had been queued already and were not put again)\n`);
    });
}

/** The current outage's error, or the previous one with when delivery recovered from it. */
function lastErrorText(s: { lastError: { code: string; message: string; at: string } | null; recoveredError: { code: string; message: string; at: string; recoveredAt: string } | null }): string {
  if (s.lastError !== null) return `${s.lastError.code} at ${s.lastError.at}: ${s.lastError.message}`;
  if (s.recoveredError !== null) return `none now (last: ${s.recoveredError.code} at ${s.recoveredError.at}, recovered at ${s.recoveredError.recoveredAt}: ${s.recoveredError.message})`;
  return '-';
}
