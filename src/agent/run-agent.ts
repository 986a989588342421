import { readFileSync } from 'node:fs';
import { VigilError, systemClock, systemTimer, type BackoffPolicy, type Clock, type Timer } from '../core/index.js';
import { loadConfig } from '../config/index.js';
import { reportDocument } from '../protocol/index.js';
import { agentConfigSchema, type AgentConfig } from './config.js';
import { createLogger, type AgentLogger } from './logger.js';
import type { AgentOptions } from './options.js';
import { startPublisher } from './publisher.js';
import { createReportBuilder } from './report-builder.js';

export interface AgentDeps {
  readonly logger?: AgentLogger;
  readonly clock?: Clock;
  readonly timer?: Timer;
  /** Where `--print` writes the report. */
  readonly out?: (text: string) => void;
  /** Aborting stops the agent after the report in flight. */
  readonly signal?: AbortSignal;
  readonly backoff?: BackoffPolicy;
}

function readPem(file: string | undefined, flag: string): Buffer {
  if (file === undefined) throw new VigilError('agent.usage', `--${flag} is required to connect`);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new VigilError('agent.tls_file', `cannot read --${flag} ${file}: ${(error as Error).message}`);
  }
}

/** True if `promise` settles within `ms` (and before `signal` aborts); a rejection counts as false. */
async function within(promise: Promise<unknown>, ms: number, timer: Timer, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted === true) return false;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  signal?.addEventListener('abort', stop, { once: true });
  const expired = Number.isFinite(ms) ? timer.sleep(ms, controller.signal).then(() => false) : new Promise<boolean>((resolve) => controller.signal.addEventListener('abort', () => resolve(false), { once: true }));
  try {
    return await Promise.race([promise.then(() => true, () => false), expired.catch(() => false)]);
  } finally {
    signal?.removeEventListener('abort', stop);
    controller.abort();
  }
}

function agentConfig(file: string | undefined): AgentConfig {
  const loaded = loadConfig(agentConfigSchema, { path: file, env: {} });
  if (!loaded.ok) throw loaded.error;
  return loaded.value.config;
}

/**
 * Runs the device agent: `--print` collects one report and prints it; `--once` publishes one report
 * and waits for its answer; otherwise reports every interval until the signal aborts. Returns the
 * exit code (0, or 1 when a `--once` report was rejected or unanswered); throws VigilError on bad
 * setup (unreadable files, bad config).
 */
export async function runAgent(options: AgentOptions, deps: AgentDeps = {}): Promise<number> {
  const logger = deps.logger ?? createLogger({ level: options.logLevel });
  const timer = deps.timer ?? systemTimer;
  const config = agentConfig(options.configFile);
  const builder = createReportBuilder({
    procRoot: config.proc_root,
    customMetrics: config.custom_metrics,
    commandTimeoutMs: config.command_timeout_secs * 1000,
    clock: deps.clock ?? systemClock,
    logger,
  });
  if (options.print) {
    const report = await builder.build();
    (deps.out ?? ((text) => void process.stdout.write(text)))(`${JSON.stringify(reportDocument(report, options.keys), null, 2)}\n`);
    return 0;
  }
  const publisher = startPublisher({
    endpoint: options.endpoint,
    thingName: options.thingName,
    cert: readPem(options.certFile, 'cert'),
    key: readPem(options.keyFile, 'key'),
    ca: readPem(options.caFile, 'ca'),
    format: options.format,
    keys: options.keys,
    logger,
    timer,
    ...(deps.backoff === undefined ? {} : { backoff: deps.backoff }),
  });
  const timeoutMs = options.responseTimeoutSecs * 1000;
  try {
    if (options.once) {
      if (!(await within(publisher.ready, timeoutMs, timer, deps.signal))) {
        logger.warn('could not connect to the broker', { endpoint: options.endpoint, waitedSecs: options.responseTimeoutSecs });
        return 1;
      }
      const report = await builder.build();
      if (!(await within(publisher.publish(report), timeoutMs, timer, deps.signal))) {
        logger.warn('publish not acknowledged', { reportId: report.header.reportId, waitedSecs: options.responseTimeoutSecs });
        return 1;
      }
      const response = await publisher.response(report.header.reportId, timeoutMs);
      if (response === undefined) logger.warn('no response from the broker', { reportId: report.header.reportId, waitedSecs: options.responseTimeoutSecs });
      return response?.status === 'ACCEPTED' ? 0 : 1;
    }
    // Wait for the first connection so the first report is not lost; afterwards a report due while
    // disconnected is skipped, not queued: Device Defender takes current metrics only (§1.6).
    await within(publisher.ready, Number.POSITIVE_INFINITY, timer, deps.signal);
    while (deps.signal?.aborted !== true) {
      const report = await builder.build();
      if (publisher.connected) {
        publisher.publish(report).catch((error: unknown) => logger.warn('publish failed', { reportId: report.header.reportId, reason: (error as Error).message }));
      } else {
        logger.warn('not connected; report skipped', { reportId: report.header.reportId });
      }
      try {
        await timer.sleep(options.intervalSecs * 1000, deps.signal);
      } catch {
        break; // aborted
      }
    }
    return 0;
  } finally {
    await publisher.stop();
  }
}
