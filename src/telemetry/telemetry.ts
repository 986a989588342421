import type { Logger } from 'pino';
import { EVENTS, GAUGES, type EventLabels, type EventName, type GaugeLabels, type GaugeName } from './events.js';

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/**
 * Counts named events and logs one line per event. Components get a `Telemetry` (usually a child
 * bound to their name) and never write to the console themselves.
 */
export class Telemetry {
  private readonly counters = new Map<string, Map<string, Series>>();
  private readonly gauges = new Map<string, Map<string, Series>>();

  /** `bindings` go into every log line (a child's `component`); later keys win, so no line repeats a key. */
  constructor(readonly log: Logger, private readonly bindings: Readonly<Record<string, string>> = {}) {}

  /** Counts one `name` event with its labels and writes its log line with any extra fields. */
  emit<N extends EventName>(name: N, labels: EventLabels<N>, fields: Readonly<Record<string, unknown>> = {}, count = 1): void {
    const spec = EVENTS[name];
    const stringLabels = toStrings(labels as Record<string, string | number>);
    bump(this.counters, name, stringLabels, count);
    if (this.log.isLevelEnabled(spec.level)) this.log[spec.level](lineObject({ ...this.bindings, event: name, ...stringLabels, ...fields }), name.replace(/_/g, ' '));
  }

  /** Counts without a log line: for hot paths where the line would be noise (use sparingly). */
  count<N extends EventName>(name: N, labels: EventLabels<N>, count = 1): void {
    bump(this.counters, name, toStrings(labels as Record<string, string | number>), count);
  }

  setGauge<N extends GaugeName>(name: N, labels: GaugeLabels<N>, value: number): void {
    const stringLabels = toStrings(labels as Record<string, string | number>);
    const series = seriesOf(this.gauges, name);
    series.set(labelKey(stringLabels), { labels: stringLabels, value });
  }

  /** The current value of a counter series (0 if never counted): for tests and status views. */
  counter<N extends EventName>(name: N, labels: Partial<EventLabels<N>> = {}): number {
    let total = 0;
    const wanted = toStrings(labels as Record<string, string | number>);
    for (const series of this.counters.get(name)?.values() ?? []) {
      if (Object.entries(wanted).every(([k, v]) => series.labels[k] === v)) total += series.value;
    }
    return total;
  }

  /** Prometheus text exposition format (version 0.0.4). */
  renderPrometheus(): string {
    const lines: string[] = [];
    for (const [name, spec] of Object.entries(EVENTS)) {
      const metric = `vigil_${name}_total`;
      lines.push(`# HELP ${metric} ${spec.help}`, `# TYPE ${metric} counter`);
      for (const series of this.counters.get(name)?.values() ?? []) lines.push(`${metric}${renderLabels(series.labels)} ${series.value}`);
    }
    for (const [name, spec] of Object.entries(GAUGES)) {
      const metric = `vigil_${name}`;
      lines.push(`# HELP ${metric} ${spec.help}`, `# TYPE ${metric} gauge`);
      for (const series of this.gauges.get(name)?.values() ?? []) lines.push(`${metric}${renderLabels(series.labels)} ${series.value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** A telemetry sharing these counters whose log lines carry `component` (a child's child: the inner name). */
  child(component: string): Telemetry {
    const child = new Telemetry(this.log, { ...this.bindings, component });
    (child as unknown as { counters: unknown }).counters = this.counters;
    (child as unknown as { gauges: unknown }).gauges = this.gauges;
    return child;
  }
}

/** Keys pino writes itself: a field with one of these names is renamed, never written twice. */
const RESERVED_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

function lineObject(fields: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(fields).some((key) => RESERVED_KEYS.has(key))) return fields;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[RESERVED_KEYS.has(key) ? `field_${key}` : key] = value;
  return out;
}

function bump(store: Map<string, Map<string, Series>>, name: string, labels: Record<string, string>, count: number): void {
  const series = seriesOf(store, name);
  const key = labelKey(labels);
  const existing = series.get(key);
  if (existing === undefined) series.set(key, { labels, value: count });
  else existing.value += count;
}

function seriesOf(store: Map<string, Map<string, Series>>, name: string): Map<string, Series> {
  let series = store.get(name);
  if (series === undefined) {
    series = new Map();
    store.set(name, series);
  }
  return series;
}

function toStrings(labels: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) out[key] = String(value);
  return out;
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function renderLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}
