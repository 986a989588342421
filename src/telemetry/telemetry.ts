import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { EVENTS, GAUGES, HISTOGRAMS, LATENCY_BUCKETS_SECONDS, type EventLabels, type EventName, type GaugeLabels, type GaugeName, type HistogramLabels, type HistogramName } from './events.js';

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Cumulative counts per bucket of LATENCY_BUCKETS_SECONDS (`le`), then +Inf. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** What a telemetry and its children share: every series, and extra text appended to /metrics. */
interface MetricStore {
  readonly counters: Map<string, Map<string, Series>>;
  readonly gauges: Map<string, Map<string, Series>>;
  readonly histograms: Map<string, Map<string, HistogramSeries>>;
  readonly extra: Array<() => string>;
}

/**
 * Counts named events and logs one line per event; also gauges and latency histograms. Components
 * get a `Telemetry` (usually a child bound to their name) and never write to the console themselves.
 */
export class Telemetry {
  private readonly store: MetricStore;

  /** `bindings` go into every log line (a child's `component`); later keys win, so no line repeats a key. */
  constructor(readonly log: Logger, private readonly bindings: Readonly<Record<string, string>> = {}, store?: MetricStore) {
    this.store = store ?? { counters: new Map(), gauges: new Map(), histograms: new Map(), extra: [] };
  }

  /** Counts one `name` event with its labels and writes its log line with any extra fields. */
  emit<N extends EventName>(name: N, labels: EventLabels<N>, fields: Readonly<Record<string, unknown>> = {}, count = 1): void {
    const spec = EVENTS[name];
    bump(this.store.counters, name, labels as Record<string, string | number>, count);
    if (this.log.isLevelEnabled(spec.level)) this.log[spec.level](lineObject({ ...this.bindings, event: name, ...toStrings(labels as Record<string, string | number>), ...fields }), name.replace(/_/g, ' '));
  }

  /** Counts without a log line: for hot paths where the line would be noise (use sparingly). */
  count<N extends EventName>(name: N, labels: EventLabels<N>, count = 1): void {
    bump(this.store.counters, name, labels as Record<string, string | number>, count);
  }

  setGauge<N extends GaugeName>(name: N, labels: GaugeLabels<N>, value: number): void {
    const stringLabels = toStrings(labels as Record<string, string | number>);
    const series = seriesOf(this.store.gauges, name);
    series.set(labelKey(stringLabels), { labels: stringLabels, value });
  }

  /** Records one duration in a histogram. */
  observe<N extends HistogramName>(name: N, labels: HistogramLabels<N>, seconds: number): void {
    let byName = this.store.histograms.get(name);
    if (byName === undefined) this.store.histograms.set(name, (byName = new Map()));
    const key = labelKey(labels as Record<string, string | number>);
    let series = byName.get(key);
    if (series === undefined) byName.set(key, (series = { labels: toStrings(labels as Record<string, string | number>), buckets: new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < LATENCY_BUCKETS_SECONDS.length; i++) if (seconds <= (LATENCY_BUCKETS_SECONDS[i] as number)) (series.buckets[i] as number)++;
    (series.buckets[LATENCY_BUCKETS_SECONDS.length] as number)++;
    series.sum += seconds;
    series.count++;
  }

  /** Starts a monotonic stopwatch; calling the result records the elapsed seconds with the labels given then. */
  startTimer<N extends HistogramName>(name: N): (labels: HistogramLabels<N>) => void {
    const started = performance.now();
    return (labels) => this.observe(name, labels, (performance.now() - started) / 1000);
  }

  /** Appends a block of Prometheus text to every /metrics answer (process metrics). */
  addCollector(render: () => string): void {
    this.store.extra.push(render);
  }

  /** The current value of a counter series (0 if never counted): for tests and status views. */
  counter<N extends EventName>(name: N, labels: Partial<EventLabels<N>> = {}): number {
    let total = 0;
    const wanted = toStrings(labels as Record<string, string | number>);
    for (const series of this.store.counters.get(name)?.values() ?? []) {
      if (Object.entries(wanted).every(([k, v]) => series.labels[k] === v)) total += series.value;
    }
    return total;
  }

  /**
   * Drops the counter series of `name` whose labels include `labels`: for series labelled by a
   * user-defined unit (a rule's name) once the unit is deleted, so that creating and deleting many
   * units does not grow /metrics and memory without bound.
   */
  forget<N extends EventName>(name: N, labels: Partial<EventLabels<N>>): void {
    const wanted = Object.entries(toStrings(labels as Record<string, string | number>));
    const series = this.store.counters.get(name);
    if (series === undefined) return;
    for (const [key, one] of series) if (wanted.every(([k, v]) => one.labels[k] === v)) series.delete(key);
  }

  /** Prometheus text exposition format (version 0.0.4). */
  renderPrometheus(): string {
    const lines: string[] = [];
    for (const [name, spec] of Object.entries(EVENTS)) {
      const metric = `vigil_${name}_total`;
      lines.push(`# HELP ${metric} ${spec.help}`, `# TYPE ${metric} counter`);
      for (const series of this.store.counters.get(name)?.values() ?? []) lines.push(`${metric}${renderLabels(series.labels)} ${series.value}`);
    }
    for (const [name, spec] of Object.entries(GAUGES)) {
      const metric = `vigil_${name}`;
      lines.push(`# HELP ${metric} ${spec.help}`, `# TYPE ${metric} gauge`);
      for (const series of this.store.gauges.get(name)?.values() ?? []) lines.push(`${metric}${renderLabels(series.labels)} ${series.value}`);
    }
    for (const [name, spec] of Object.entries(HISTOGRAMS)) {
      const metric = `vigil_${name}`;
      lines.push(`# HELP ${metric} ${spec.help}`, `# TYPE ${metric} histogram`);
      for (const series of this.store.histograms.get(name)?.values() ?? []) {
        LATENCY_BUCKETS_SECONDS.forEach((le, i) => lines.push(`${metric}_bucket${renderLabels({ ...series.labels, le: String(le) })} ${series.buckets[i]}`));
        lines.push(`${metric}_bucket${renderLabels({ ...series.labels, le: '+Inf' })} ${series.count}`, `${metric}_sum${renderLabels(series.labels)} ${series.sum}`, `${metric}_count${renderLabels(series.labels)} ${series.count}`);
      }
    }
    for (const render of this.store.extra) lines.push(render().trimEnd());
    return `${lines.join('\n')}\n`;
  }

  /** A telemetry sharing these series whose log lines carry `component` (a child's child: the inner name). */
  child(component: string): Telemetry {
    return new Telemetry(this.log, { ...this.bindings, component }, this.store);
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

// Hot path (several counts per report): the series key is built from the labels as given, and the
// string copy of the labels is made only when a series is new.
function bump(store: Map<string, Map<string, Series>>, name: string, labels: Record<string, string | number>, count: number): void {
  const series = seriesOf(store, name);
  const key = labelKey(labels);
  const existing = series.get(key);
  if (existing === undefined) series.set(key, { labels: toStrings(labels), value: count });
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

function labelKey(labels: Record<string, string | number>): string {
  const keys = Object.keys(labels);
  if (keys.length > 1) keys.sort();
  let key = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    key += `${i === 0 ? '' : ','}${k}=${String(labels[k])}`;
  }
  return key;
}

function renderLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}
