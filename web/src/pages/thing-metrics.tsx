import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, enc } from '../api';
import type { ActiveViolation, ViolationEvent } from '../aws';
import { Empty, ErrorBox, formatTime } from '../components/common';

/** The metrics a thing page charts from the datapoint history (ListMetricValues), with their units. */
export const THING_METRICS: ReadonlyArray<{ metric: string; title: string; unit: string }> = [
  { metric: 'aws:listening-tcp-ports', title: 'Listening TCP ports', unit: 'ports' },
  { metric: 'aws:all-bytes-out', title: 'Bytes out', unit: 'bytes' },
  { metric: 'aws:all-packets-out', title: 'Packets out', unit: 'packets' },
  { metric: 'aws:num-established-tcp-connections', title: 'Established TCP connections', unit: 'connections' },
  { metric: 'aws:num-authorization-failures', title: 'Authorization failures', unit: 'failures' },
];

interface Datum { timestamp: number; value: Record<string, unknown> }
/** A violation of one metric from `start` to `end` (epoch s; `end` undefined while it lasts). */
export interface Window { start: number; end: number | undefined; behavior: string }

/** A metric value as one number: a count or number, else how many ports, addresses or numbers it lists. */
function numberOf(value: Record<string, unknown>): number | null {
  for (const key of ['count', 'number']) if (typeof value[key] === 'number') return value[key] as number;
  for (const key of ['ports', 'cidrs', 'numbers', 'strings']) if (Array.isArray(value[key])) return (value[key] as unknown[]).length;
  return null;
}

/** Violation windows by metric, from the thing's violation events (paired by violation) and its active violations. */
export function violationWindows(events: readonly ViolationEvent[], active: readonly ActiveViolation[]): Map<string, Window[]> {
  const byViolation = new Map<string, { metric: string; behavior: string; start?: number; end?: number }>();
  for (const e of [...events].sort((a, b) => a.violationEventTime - b.violationEventTime)) {
    const behavior = e.behavior as { name: string; metric?: string };
    const w = byViolation.get(e.violationId) ?? { metric: behavior.metric ?? '', behavior: behavior.name };
    if (e.violationEventType === 'in-alarm') w.start ??= e.violationEventTime;
    else w.end = e.violationEventTime;
    byViolation.set(e.violationId, w);
  }
  for (const v of active) {
    const behavior = v.behavior as { name: string; metric?: string };
    const w = byViolation.get(v.violationId) ?? { metric: behavior.metric ?? '', behavior: behavior.name };
    w.start = Math.min(w.start ?? v.violationStartTime, v.violationStartTime);
    delete w.end;
    byViolation.set(v.violationId, w);
  }
  const out = new Map<string, Window[]>();
  for (const w of byViolation.values()) {
    if (w.start === undefined || w.metric === '') continue;
    out.set(w.metric, [...(out.get(w.metric) ?? []), { start: w.start, end: w.end, behavior: w.behavior }]);
  }
  return out;
}

/** Every datapoint of one metric of a thing in `[from, to]` (epoch s), page after page. */
async function metricValues(thing: string, metric: string, from: number, to: number): Promise<Datum[]> {
  const out: Datum[] = [];
  let token: string | undefined;
  do {
    const page = await api<{ metricDatumList: Datum[]; nextToken?: string }>('GET', `/metric-values?thingName=${enc(thing)}&metricName=${enc(metric)}&startTime=${from}&endTime=${to}&maxResults=250${token === undefined ? '' : `&nextToken=${enc(token)}`}`);
    out.push(...page.metricDatumList);
    token = page.nextToken;
  } while (token !== undefined);
  return out;
}

const inWindow = (t: number, windows: readonly Window[], now: number): boolean => windows.some((w) => t >= w.start && t <= (w.end ?? now));

/**
 * One metric of a thing over time: its datapoints as a line, violation windows shaded, and the
 * datapoints inside a window (the offending values) as red points of their own series.
 */
export function MetricChart({ thing, metric, title, unit, windows, seconds, refresh }: { thing: string; metric: string; title: string; unit: string; windows: readonly Window[]; seconds: number; refresh: number }) {
  const [data, setData] = useState<Datum[] | undefined>();
  const [error, setError] = useState<unknown>();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    const now = Math.ceil(Date.now() / 1000) + 60;
    metricValues(thing, metric, now - seconds, now).then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [thing, metric, seconds, refresh]);
  const now = Date.now() / 1000;
  const points = (data ?? []).map((d) => ({ t: d.timestamp, v: numberOf(d.value) })).filter((p) => p.v !== null);
  const offending = points.filter((p) => inWindow(p.t, windows, now));
  useEffect(() => {
    const element = box.current;
    if (element === null || points.length === 0) return;
    const xs = points.map((p) => p.t);
    const shade = getComputedStyle(element).getPropertyValue('--err').trim() || '#b3261e';
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 280),
      height: 180,
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      // The y axis grows with its longest label, so byte counts are not cut off.
      axes: [{}, { size: (_u, values) => Math.max(40, ...(values ?? []).map((v) => String(v).length * 7 + 18)) }],
      series: [
        { label: 'time' },
        { label: unit, stroke: '#2f7ed8', width: 2, points: { show: points.length < 60 }, value: (_u, v) => (v == null ? '' : v.toLocaleString('en-US')) },
        ...(windows.length === 0 ? [] : [{ label: 'in violation', stroke: shade, width: 0, paths: () => null, points: { show: true, size: 9, fill: shade, stroke: shade }, value: (_u: uPlot, v: number | null) => (v == null ? 'no' : v.toLocaleString('en-US')) }]),
      ],
      legend: { live: true },
      hooks: {
        // Violation windows: shaded behind the series.
        drawClear: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.fillStyle = `${shade}26`;
            for (const w of windows) {
              const left = Math.max(bbox.left, u.valToPos(w.start, 'x', true));
              const right = Math.min(bbox.left + bbox.width, u.valToPos(w.end ?? now, 'x', true));
              if (right > left) ctx.fillRect(left, bbox.top, Math.max(right - left, 2), bbox.height);
            }
            ctx.restore();
          },
        ],
        setCursor: [(u) => void (u.cursor.idx == null && u.setLegend({ idx: xs.length - 1 }))],
      },
    };
    const flagged = points.map((p) => (inWindow(p.t, windows, now) ? p.v : null));
    const plot = new uPlot(options, [xs, points.map((p) => p.v), ...(windows.length === 0 ? [] : [flagged])] as uPlot.AlignedData, element);
    plot.setLegend({ idx: xs.length - 1 });
    if (xs.length === 1) plot.setScale('x', { min: (xs[0] as number) - 300, max: (xs[0] as number) + 300 });
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 280), height: 180 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, windows]);
  const state = error !== undefined ? 'error' : data === undefined ? 'loading' : points.length === 0 ? 'empty' : 'data';
  const id = `metric-${metric.replace(/\W+/g, '-')}`;
  return (
    <section class="panel" aria-labelledby={id} data-state={state} data-metric={metric}>
      <h2 id={id}>{title}</h2>
      {error !== undefined ? <ErrorBox error={error} /> : null}
      {state === 'loading' ? <progress aria-label={`loading ${title}`} /> : null}
      {state === 'empty' ? <Empty title="No datapoints in this range">Kept are the metrics of the behaviors and additionalMetricsToRetainV2 of the thing's security profiles, as the thing reports them.</Empty> : null}
      {state === 'data' ? (
        <figure class="chart" data-points={points.length} data-offending={offending.length} data-windows={windows.length}>
          <div ref={box} role="img" aria-label={`${title}: ${points.length} datapoints, ${offending.length} in violation, ${windows.length} violation windows`} />
          {windows.length === 0 ? null : (
            <figcaption class="muted">
              {windows.map((w, i) => (
                <span key={i} class="window">
                  {w.behavior}: {formatTime(w.start)} – {w.end === undefined ? 'now' : formatTime(w.end)}
                </span>
              ))}
            </figcaption>
          )}
          <table class="sr-only">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">time</th>
                <th scope="col">{unit}</th>
                <th scope="col">in violation</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p, i) => (
                <tr key={i}>
                  <th scope="row">{formatTime(p.t)}</th>
                  <td>{p.v}</td>
                  <td>{inWindow(p.t, windows, now) ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </figure>
      ) : null}
    </section>
  );
}
