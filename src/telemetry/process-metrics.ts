import { readdirSync } from 'node:fs';
import { PerformanceObserver, constants, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const GC_BUCKETS_SECONDS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] as const;
const GC_KINDS: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

export interface ProcessMetrics {
  /** The process's metrics in Prometheus text, with the names client libraries use (`process_*`, `nodejs_*`). */
  render(): string;
  stop(): void;
}

/**
 * CPU, memory, open files, event-loop lag and GC pauses of this process. Lag quantiles cover the
 * time since the previous scrape; `_sum` and `_count` (and every counter) cover the process's life.
 */
export function startProcessMetrics(version: string): ProcessMetrics {
  const lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let lagSum = 0;
  let lagCount = 0;
  const gc = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS.get((entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1) ?? 'other';
      let series = gc.get(kind);
      if (series === undefined) gc.set(kind, (series = { buckets: new Array<number>(GC_BUCKETS_SECONDS.length).fill(0), sum: 0, count: 0 }));
      const seconds = entry.duration / 1000;
      GC_BUCKETS_SECONDS.forEach((le, i) => {
        if (seconds <= le) (series.buckets[i] as number)++;
      });
      series.sum += seconds;
      series.count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const startTime = Date.now() / 1000 - process.uptime();

  return {
    render() {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      const lines = [
        metric('process_cpu_user_seconds_total', 'counter', 'User CPU time spent, in seconds.', cpu.user / 1e6),
        metric('process_cpu_system_seconds_total', 'counter', 'System CPU time spent, in seconds.', cpu.system / 1e6),
        metric('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent, in seconds.', (cpu.user + cpu.system) / 1e6),
        metric('process_resident_memory_bytes', 'gauge', 'Resident memory size, in bytes.', memory.rss),
        metric('process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch, in seconds.', Math.round(startTime)),
        metric('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap allocated, in bytes.', memory.heapTotal),
        metric('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', memory.heapUsed),
        metric('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript (buffers, DuckDB results), in bytes.', memory.external),
      ];
      const fds = openFileDescriptors();
      if (fds !== undefined) lines.push(metric('process_open_fds', 'gauge', 'Open file descriptors.', fds));
      // The window's samples (ns) since the last scrape, then a fresh window.
      if (lag.count > 0) {
        lagSum += (lag.mean * lag.count) / 1e9;
        lagCount += lag.count;
      }
      const quantile = (q: number): number => (lag.count > 0 ? lag.percentile(q * 100) / 1e9 : 0);
      lines.push(
        '# HELP nodejs_eventloop_lag_seconds Event-loop delay: quantiles since the previous scrape, sum and count since start.',
        '# TYPE nodejs_eventloop_lag_seconds summary',
        ...[0.5, 0.9, 0.99].map((q) => `nodejs_eventloop_lag_seconds{quantile="${q}"} ${quantile(q)}`),
        `nodejs_eventloop_lag_seconds_sum ${lagSum}`,
        `nodejs_eventloop_lag_seconds_count ${lagCount}`,
        metric('nodejs_eventloop_lag_max_seconds', 'gauge', 'Longest event-loop delay since the previous scrape, in seconds.', lag.count > 0 ? lag.max / 1e9 : 0),
      );
      lag.reset();
      lines.push('# HELP nodejs_gc_duration_seconds Garbage-collection pauses by kind (minor, major, incremental, weakcb).', '# TYPE nodejs_gc_duration_seconds histogram');
      for (const [kind, series] of gc) {
        GC_BUCKETS_SECONDS.forEach((le, i) => lines.push(`nodejs_gc_duration_seconds_bucket{kind="${kind}",le="${le}"} ${series.buckets[i]}`));
        lines.push(`nodejs_gc_duration_seconds_bucket{kind="${kind}",le="+Inf"} ${series.count}`, `nodejs_gc_duration_seconds_sum{kind="${kind}"} ${series.sum}`, `nodejs_gc_duration_seconds_count{kind="${kind}"} ${series.count}`);
      }
      lines.push('# HELP vigil_build_info Vigil and Node.js versions of this process.', '# TYPE vigil_build_info gauge', `vigil_build_info{version="${version}",nodejs="${process.version}"} 1`);
      return `${lines.join('\n')}\n`;
    },
    stop() {
      lag.disable();
      observer.disconnect();
    },
  };
}

function metric(name: string, type: 'counter' | 'gauge', help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}`;
}

function openFileDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}
