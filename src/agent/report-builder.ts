import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../core/index.js';
import { defaultProtocolLimits, nextReportId, type CustomMetricValue, type DeviceMetrics, type MetricReport } from '../protocol/index.js';
import { COLLECTORS, type Snapshot } from './collectors/index.js';
import type { CustomMetricSpec } from './config.js';
import { collectCustomMetric } from './custom-metrics.js';
import { interfaceLookup, type InterfaceTable } from './interfaces.js';
import type { AgentLogger } from './logger.js';
import { parseProcNetDev, parseProcNetSockets } from './proc-net.js';

export interface ReportBuilderOptions {
  readonly procRoot?: string;
  readonly interfaces?: () => InterfaceTable;
  readonly customMetrics?: readonly CustomMetricSpec[];
  readonly commandTimeoutMs?: number;
  readonly maxListEntries?: number;
  readonly clock?: Clock;
  readonly logger?: AgentLogger;
}

export interface ReportBuilder {
  /** Collects one report; its id is greater than every id this builder returned before. */
  build(): Promise<MetricReport>;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined; // tcp6/udp6 are absent on kernels without IPv6
  }
}

export function createReportBuilder(options: ReportBuilderOptions = {}): ReportBuilder {
  const procRoot = options.procRoot ?? '/proc';
  const clock = options.clock ?? systemClock;
  const memories = new Map<string, Map<string, unknown>>(COLLECTORS.map((c) => [c.name, new Map()]));
  let lastId: number | undefined;

  async function snapshot(): Promise<Snapshot> {
    const [tcp, tcp6, udp, udp6, dev] = await Promise.all(['tcp', 'tcp6', 'udp', 'udp6', 'dev'].map((name) => readOptional(join(procRoot, 'net', name))));
    return {
      tcp: [...parseProcNetSockets(tcp ?? '', 'tcp'), ...parseProcNetSockets(tcp6 ?? '', 'tcp')],
      udp: [...parseProcNetSockets(udp ?? '', 'udp'), ...parseProcNetSockets(udp6 ?? '', 'udp')],
      interfaces: dev === undefined ? undefined : parseProcNetDev(dev),
      interfaceOf: interfaceLookup((options.interfaces ?? networkInterfaces)()),
      maxListEntries: options.maxListEntries ?? defaultProtocolLimits.maxListEntries,
    };
  }

  async function custom(): Promise<Record<string, CustomMetricValue> | undefined> {
    const specs = options.customMetrics ?? [];
    if (specs.length === 0) return undefined;
    const results = await Promise.all(specs.map((spec) => collectCustomMetric(spec, options.commandTimeoutMs ?? 10_000)));
    const out: Record<string, CustomMetricValue> = {};
    results.forEach((result, i) => {
      const spec = specs[i];
      if (spec === undefined) return;
      if (result.ok) out[spec.name] = result.value;
      else options.logger?.warn('custom metric skipped', { metric: spec.name, code: result.error.code, reason: result.error.message });
    });
    return Object.keys(out).length === 0 ? undefined : out;
  }

  return {
    async build() {
      const [snap, customMetrics] = await Promise.all([snapshot(), custom()]);
      let metrics: DeviceMetrics = {};
      for (const collector of COLLECTORS) metrics = { ...metrics, ...collector.collect(snap, memories.get(collector.name) ?? new Map()) };
      lastId = nextReportId(lastId, clock.now());
      const header = { reportId: lastId, version: '1.0' };
      return customMetrics === undefined ? { header, metrics } : { header, metrics, customMetrics };
    },
  };
}
