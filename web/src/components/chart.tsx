import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../search';

export type ChartKind = 'line' | 'area' | 'column';
const PALETTE = ['#2f7ed8', '#e4572e', '#29a35a', '#f3a712', '#8e44ad', '#17becf', '#d62728', '#7f7f7f', '#bcbd22', '#1f3a93', '#ff7f0e', '#9467bd'];

/**
 * Stacks series (each value on top of the ones before it, nulls as 0) and the bands that make each
 * series' columns start where the previous series' end, so no series hides another.
 */
function stacked(series: Series['series']): { values: Array<Array<number | null>>; bands: uPlot.Band[] } {
  const sum = new Array<number>(series[0]?.values.length ?? 0).fill(0);
  const values = series.map((s) => s.values.map((v, i) => (sum[i] = (sum[i] ?? 0) + (v ?? 0))));
  const bands = series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] }));
  return { values, bands };
}

/**
 * A uPlot chart of a table result: x = first column, one series per other column. `stack` stacks a
 * column chart's series; a column chart's y axis starts at 0; the legend shows the latest values
 * until the pointer picks another x.
 */
export function Chart({ data, kind, title, height = 260, stack = false }: { data: Series; kind: ChartKind; title: string; height?: number; stack?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const isTime = data.x === '_time';
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const xs = isTime ? (data.xValues as number[]) : data.xValues.map((_, i) => i);
    const labels = data.xValues.map(String);
    const bars = kind === 'column' ? uPlot.paths.bars?.({ size: [0.7, 60] }) : undefined;
    const stacking = stack && kind === 'column' && data.series.length > 1 ? stacked(data.series) : undefined;
    const last = xs.length - 1;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height,
      // Columns are counts: from 0, so a single bucket of 75 is not drawn as a bar from 74.
      scales: { x: { time: isTime }, ...(kind === 'column' ? { y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] } } : {}) },
      ...(stacking === undefined ? {} : { bands: stacking.bands }),
      // The y axis grows with its longest label, so large byte counts are not cut off.
      axes: [isTime ? {} : { values: (_u, splits) => splits.map((s) => labels[s] ?? '') }, { size: (_u, values) => Math.max(50, ...(values ?? []).map((v) => String(v).length * 7 + 18)) }],
      series: [
        { label: data.x },
        ...data.series.map((s, i) => {
          const color = PALETTE[i % PALETTE.length] ?? '#333';
          const fill = kind === 'line' ? undefined : stacking === undefined ? `${color}33` : `${color}cc`;
          // The legend shows the series' own value (not a stacked running total) at the picked x, or
          // its latest value before it when it has none there (uPlot would show "--").
          const value = (_u: uPlot, _v: number | null, _si: number, idx: number | null): string => {
            let i = idx ?? last;
            while (i >= 0 && s.values[i] == null) i--;
            const v = i < 0 ? null : s.values[i];
            return v == null ? '' : v.toLocaleString('en-US');
          };
          return { label: s.name, stroke: color, width: 2, fill, value, ...(bars === undefined ? {} : { paths: bars, points: { show: false } }) };
        }),
      ],
      legend: { live: true },
      // With no point under the pointer the legend shows the latest values (uPlot would show "--").
      hooks: { setCursor: [(u) => void (u.cursor.idx == null && last >= 0 && u.setLegend({ idx: last }))] },
    };
    const plot = new uPlot(options, [xs, ...(stacking?.values ?? data.series.map((s) => s.values))] as uPlot.AlignedData, element);
    if (last >= 0) plot.setLegend({ idx: last });
    // One x value: uPlot would auto-range a time axis over years; show a few minutes (or ±1 step) around it.
    const only = xs.length === 1 ? xs[0] : undefined;
    if (only !== undefined) plot.setScale('x', { min: only - (isTime ? 300 : 1), max: only + (isTime ? 300 : 1) });
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 300), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, kind, height, isTime, stack]);
  return (
    <figure class="chart" data-series={data.series.map((s) => s.name).join(',')} data-kind={kind} data-stacked={stack && kind === 'column' ? 'true' : undefined}>
      <div ref={box} role="img" aria-label={`${title}: ${kind} chart of ${data.series.length} series (${data.series.map((s) => s.name).join(', ')}) over ${data.x}`} />
      <table class="sr-only">
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
    </figure>
  );
}
