import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../search';

export type ChartKind = 'line' | 'area' | 'column';
const PALETTE = ['#2f7ed8', '#e4572e', '#29a35a', '#f3a712', '#8e44ad', '#17becf', '#d62728', '#7f7f7f', '#bcbd22', '#1f3a93', '#ff7f0e', '#9467bd'];

/** A uPlot chart of a table result: x = first column, one series per other column. */
export function Chart({ data, kind, title, height = 260 }: { data: Series; kind: ChartKind; title: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const isTime = data.x === '_time';
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const xs = isTime ? (data.xValues as number[]) : data.xValues.map((_, i) => i);
    const labels = data.xValues.map(String);
    const bars = kind === 'column' ? uPlot.paths.bars?.({ size: [0.7, 60] }) : undefined;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height,
      scales: { x: { time: isTime } },
      // The y axis grows with its longest label, so large byte counts are not cut off.
      axes: [isTime ? {} : { values: (_u, splits) => splits.map((s) => labels[s] ?? '') }, { size: (_u, values) => Math.max(50, ...(values ?? []).map((v) => String(v).length * 7 + 18)) }],
      series: [
        { label: data.x },
        ...data.series.map((s, i) => {
          const color = PALETTE[i % PALETTE.length] ?? '#333';
          return { label: s.name, stroke: color, width: 2, fill: kind === 'line' ? undefined : `${color}33`, ...(bars === undefined ? {} : { paths: bars, points: { show: false } }) };
        }),
      ],
      legend: { live: true },
    };
    const plot = new uPlot(options, [xs, ...data.series.map((s) => s.values)] as uPlot.AlignedData, element);
    // One x value: uPlot would auto-range a time axis over years; show a few minutes (or ±1 step) around it.
    const only = xs.length === 1 ? xs[0] : undefined;
    if (only !== undefined) plot.setScale('x', { min: only - (isTime ? 300 : 1), max: only + (isTime ? 300 : 1) });
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 300), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, kind, height, isTime]);
  return (
    <figure class="chart" data-series={data.series.map((s) => s.name).join(',')} data-kind={kind}>
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
