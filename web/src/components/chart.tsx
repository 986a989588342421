import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { bucketSeconds, foldSeries, seriesColor, type Series } from '../search';

export type ChartKind = 'line' | 'area' | 'column';

/** One point of a chart the user clicked: the x value (epoch seconds for time) and its bucket, and the series. */
export interface ChartPoint {
  x: string | number;
  /** For a time axis: the bucket [from, to) in epoch seconds. */
  from?: number;
  to?: number;
  series: string;
  value: number | null;
}

function lastIndex(data: Series): number {
  for (let i = data.xValues.length - 1; i >= 0; i--) if (data.series.some((s) => s.values[i] !== null && s.values[i] !== undefined)) return i;
  return data.xValues.length - 1;
}

export interface ChartProps {
  data: Series;
  kind: ChartKind;
  title: string;
  height?: number;
  /** Counts (count, dc, sum): the y axis starts at 0. Columns always start at 0. */
  counts?: boolean;
  /** At most this many series; the rest are summed into OTHER (default 20). */
  maxSeries?: number;
  /** A click on a point (drilldown). */
  onPoint?: (point: ChartPoint) => void;
  /** A drag across a time axis (zoom): the selected range in epoch seconds. */
  onZoom?: (from: number, to: number) => void;
  /** The bucket width when the data cannot tell (a single time bucket), in seconds. */
  bucket?: number;
}

/**
 * A uPlot chart of a table result: x = first column, one series per other column. Colours follow
 * the series name (the same series has the same colour everywhere); the legend shows the latest
 * values until the cursor points elsewhere.
 */
export function Chart({ data: raw, kind, title, height = 260, counts = false, maxSeries = 20, onPoint, onZoom, bucket }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const legendBox = useRef<HTMLDivElement>(null);
  const data = useMemo(() => foldSeries(raw, maxSeries), [raw, maxSeries]);
  const isTime = data.x === '_time';
  const handlers = useRef({ onPoint, onZoom });
  handlers.current = { onPoint, onZoom };
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const xs = isTime ? (data.xValues as number[]) : data.xValues.map((_, i) => i);
    const labels = data.xValues.map(String);
    const step = isTime ? (bucketSeconds(xs) ?? bucket) : 1;
    const n = data.series.length;
    // Columns stack (never drawn on top of each other, hiding one another).
    const stacked = kind === 'column' && n > 1;
    // Stacked columns: series i is drawn from 0 to the sum of series 0..i, tallest first, so each
    // one's own part stays visible; the legend and tooltips show the series' own values.
    const plotted = stacked
      ? data.series.map((_, i) => xs.map((__, j) => (data.series[i]?.values[j] === null ? null : data.series.slice(0, i + 1).reduce((sum, s) => sum + (s.values[j] ?? 0), 0))))
      : data.series.map((s) => s.values);
    const order = stacked ? data.series.map((_, i) => n - 1 - i) : data.series.map((_, i) => i);
    const width = (): number => Math.max(element.clientWidth, 300);
    const seriesOptions = order.map((i) => {
      const s = data.series[i] as Series['series'][number];
      const color = seriesColor(s.name);
      // Away from the plot the legend shows each series' own latest value; on it, the value under the cursor.
      const latestValue = [...s.values].reverse().find((v) => v !== null && v !== undefined) ?? null;
      const own = (u: uPlot, _v: number | null, _si: number, idx: number | null): string => {
        const hovering = u.cursor.idx !== null && u.cursor.idx !== undefined && (u.cursor.left ?? -1) >= 0;
        const v = !hovering ? latestValue : idx === null ? null : s.values[idx];
        return v === null || v === undefined ? '–' : String(Math.round(v * 1000) / 1000);
      };
      const paths = kind === 'column' ? uPlot.paths.bars?.({ size: [0.7, 60] }) : undefined;
      return {
        label: s.name,
        stroke: color,
        width: kind === 'column' ? 1 : 2,
        fill: kind === 'line' ? undefined : kind === 'column' ? `${color}cc` : `${color}33`,
        value: own,
        // Series of a chart over _time are sparse (each thing reports in its own bucket): join their points.
        spanGaps: kind !== 'column',
        ...(paths === undefined ? {} : { paths, points: { show: false } }),
      };
    });
    const fromZero = counts || kind === 'column';
    const options: uPlot.Options = {
      width: width(),
      height,
      scales: {
        x: { time: isTime, ...(kind === 'column' ? { range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [min - (step ?? 1) / 2, max + (step ?? 1) / 2] } : {}) },
        y: fromZero ? { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max <= 0 ? 1 : max + Math.max(1, max * 0.08)] } : {},
      },
      // The y axis grows with its longest label, so large byte counts are not cut off.
      axes: [isTime ? {} : { values: (_u, splits) => splits.map((s) => labels[s] ?? '') }, { size: (_u, values) => Math.max(50, ...(values ?? []).map((v) => String(v).length * 7 + 18)) }],
      series: [{ label: data.x, value: (_u, v) => (v === null ? '–' : isTime ? new Date(v * 1000).toISOString().replace('T', ' ').slice(0, 19) : (labels[v] ?? String(v))) }, ...seriesOptions],
      // The legend (a table) sits outside the figure: the figure's only table is its data table.
      legend: { live: true, mount: (_u, legend) => (legendBox.current ?? element).append(legend) },
      cursor: { drag: { x: onZoom !== undefined && isTime, y: false, setScale: false } },
      hooks: {
        // Without a cursor on the plot the legend shows the latest values (not "--").
        setCursor: [(u) => u.cursor.idx === null || u.cursor.idx === undefined ? u.setLegend({ idx: lastIndex(data) }, false) : undefined],
        setSelect: [
          (u) => {
            const zoom = handlers.current.onZoom;
            if (zoom === undefined || u.select.width < 3) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom(Math.floor(from), Math.ceil(to));
          },
        ],
      },
    };
    const aligned = [xs, ...order.map((i) => plotted[i] as Array<number | null>)] as uPlot.AlignedData;
    const plot = new uPlot(options, aligned, element);
    // For tests and scripts: the plot (valToPos gives where a point is drawn).
    Object.assign(element, { plot, drawnSeries: order.map((i) => data.series[i]?.name) });
    // One x value: uPlot would auto-range a time axis over years; show a few buckets around it.
    const only = xs.length === 1 ? xs[0] : undefined;
    if (only !== undefined) {
      const pad = isTime ? Math.max(step ?? 300, 60) : 1;
      plot.setScale('x', { min: only - pad, max: only + pad });
    }
    plot.setLegend({ idx: lastIndex(data) }, false);
    let dragged = false;
    const down = (e: MouseEvent): void => {
      dragged = false;
      const startX = e.clientX;
      const move = (m: MouseEvent): void => {
        if (Math.abs(m.clientX - startX) > 3) dragged = true;
      };
      element.addEventListener('mousemove', move);
      addEventListener('mouseup', () => element.removeEventListener('mousemove', move), { once: true });
    };
    const click = (): void => {
      const point = handlers.current.onPoint;
      const idx = plot.cursor.idx;
      if (point === undefined || dragged || idx === null || idx === undefined) return;
      const top = plot.cursor.top ?? -1;
      const y = plot.posToVal(top, 'y');
      let hit: number | undefined;
      if (stacked) {
        // The segment under the cursor: series i covers [sum of 0..i-1, sum of 0..i].
        let base = 0;
        data.series.forEach((s, i) => {
          const v = s.values[idx] ?? 0;
          if (v > 0 && y >= base && y <= base + v) hit = i;
          base += v;
        });
      }
      if (hit === undefined) {
        let best = Infinity;
        data.series.forEach((s, i) => {
          const v = plotted[i]?.[idx];
          if (v === null || v === undefined) return;
          const d = Math.abs(plot.valToPos(v, 'y') - top);
          if (d < best) [best, hit] = [d, i];
        });
      }
      const s = hit === undefined ? undefined : data.series[hit];
      if (s === undefined) return;
      const x = data.xValues[idx] as string | number;
      const bounds = isTime && typeof x === 'number' && step !== undefined ? { from: x, to: x + step } : {};
      point({ x, ...bounds, series: s.name, value: s.values[idx] ?? null });
    };
    plot.over.addEventListener('mousedown', down);
    plot.over.addEventListener('click', click);
    if (onPoint !== undefined) plot.over.style.cursor = 'pointer';
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, kind, height, isTime, counts, onPoint === undefined, onZoom === undefined, bucket]);
  return (
    <div class="chart-block">
      <figure class="chart" data-series={data.series.map((s) => s.name).join(',')} data-kind={kind} data-stacked={kind === 'column' && data.series.length > 1 ? 'true' : undefined}>
        <div ref={box} role="img" aria-label={`${title}: ${kind} chart of ${data.series.length} series (${data.series.map((s) => s.name).join(', ')}) over ${data.x}`} />
        {/* A block box: a table ignores width and overflow, so a hidden table alone would widen the page. */}
        <div class="sr-only">
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{data.x}</th>
                {data.series.map((s) => (
                  <th scope="col" key={s.name}>
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.xValues.map((x, i) => (
                <tr key={i}>
                  <th scope="row">{isTime ? new Date(Number(x) * 1000).toISOString() : String(x)}</th>
                  {data.series.map((s) => (
                    <td key={s.name}>{s.values[i] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </figure>
      <div ref={legendBox} class="chart-legend" />
    </div>
  );
}
