import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { href } from '../router';
import { chartsCounts, runSearch, type SearchResult, type TimeRange } from '../search';
import { DataTable, Empty, ErrorBox } from './common';
import { Chart } from './chart';
import { ResultView } from './result-view';
import { liveTick } from '../live';

export type PanelState = 'loading' | 'data' | 'empty' | 'error';

/** A dashboard panel frame; `data-state` tells tests and styles what it shows. */
export function PanelFrame({ title, state, children, actions }: { title: string; state: PanelState; children: ComponentChildren; actions?: ComponentChildren }) {
  const id = `panel-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section class="panel" data-state={state} aria-labelledby={id} aria-busy={state === 'loading'}>
      <header>
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {state === 'loading' ? <progress aria-label={`loading ${title}`} /> : null}
      {children}
    </section>
  );
}

export const REFRESH_CHOICES: ReadonlyArray<{ label: string; value: string; ms: number }> = [
  { label: 'Off', value: '', ms: 0 },
  { label: '10 s', value: '10s', ms: 10_000 },
  { label: '1 m', value: '1m', ms: 60_000 },
  { label: '5 m', value: '5m', ms: 300_000 },
];

/**
 * A dashboard's reload counter: it moves on live events (a violation, a finished audit) and, when
 * `every` names an interval, on that timer.
 */
export function useDashboardRefresh(every: string): number {
  const [ticks, setTicks] = useState(0);
  const ms = REFRESH_CHOICES.find((c) => c.value === every)?.ms ?? 0;
  useEffect(() => {
    if (ms === 0) return;
    const timer = setInterval(() => setTicks((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return ticks + liveTick.value;
}

/** The "Auto refresh" picker of a dashboard's toolbar. */
export function RefreshPicker({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <>
      <label for="auto-refresh">Auto refresh</label>
      <select id="auto-refresh" value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {REFRESH_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** The search page URL that runs `query` over `range` (the search page runs it on load). */
export function searchHref(query: string, range: TimeRange): string {
  const params = new URLSearchParams({ q: query });
  if (range.earliest !== undefined && range.earliest !== '') params.set('earliest', range.earliest);
  if (range.latest !== undefined && range.latest !== '') params.set('latest', range.latest);
  return `/search?${params.toString()}`;
}

/**
 * A panel showing one SPL search as a chart, table or events. A refresh keeps the last result on
 * screen until the new one arrives. Column charts stack their series.
 */
export function SearchPanel({ title, query, visualization, range, refresh = 0 }: { title: string; query: string; visualization: 'line' | 'area' | 'column' | 'table' | 'events' | 'single'; range: TimeRange; refresh?: number }) {
  const [result, setResult] = useState<SearchResult | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setResult(undefined);
  }, [query, range.earliest, range.latest]);
  useEffect(() => {
    const controller = new AbortController();
    setError(undefined);
    runSearch(query, range, { signal: controller.signal, maxRows: 500, binning: 'data' }).then(setResult, (e: unknown) => controller.signal.aborted || setError(e));
    return () => controller.abort();
  }, [query, range.earliest, range.latest, refresh]);
  const state: PanelState = error !== undefined ? 'error' : result === undefined ? 'loading' : result.rows.length === 0 ? 'empty' : 'data';
  const open = href(searchHref(query, range));
  let body: ComponentChildren = null;
  if (error !== undefined) body = <ErrorBox error={error} />;
  else if (result !== undefined) {
    if (visualization === 'single') {
      const first = result.rows[0];
      const column = result.columns[result.columns.length - 1] ?? '';
      body = first === undefined ? <Empty title="No results" /> : <p class="single">{String(first[column] ?? '')}</p>;
    } else if (visualization === 'line' || visualization === 'area' || visualization === 'column') {
      body = result.series === null || result.series.series.length === 0 ? <ResultView result={result} view="table" kind="line" title={title} /> : <Chart data={result.series} kind={visualization} title={title} height={220} counts={chartsCounts(query)} />;
    } else body = <ResultView result={result} view={visualization} kind="line" title={title} />;
  }
  return (
    <PanelFrame title={title} state={state} actions={<a {...open} class="small" aria-label={`Open in search: ${title}`}>Open in search</a>}>
      {body}
    </PanelFrame>
  );
}

/** A panel fed by an API call rather than a search (every engine's API is always there: an error is an error); a refresh keeps the last value on screen until the new one arrives. */
export function ApiPanel<T>({ title, load, render, refresh = 0 }: { title: string; load: () => Promise<T>; render: (value: T) => { state: 'data' | 'empty'; body: ComponentChildren }; refresh?: number }) {
  const [value, setValue] = useState<{ v: T } | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (v) => live && setValue({ v }),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [refresh]);
  if (error !== undefined) {
    return (
      <PanelFrame title={title} state="error">
        <ErrorBox error={error} />
      </PanelFrame>
    );
  }
  if (value === undefined) return <PanelFrame title={title} state="loading">{null}</PanelFrame>;
  const rendered = render(value.v);
  return (
    <PanelFrame title={title} state={rendered.state}>
      {rendered.body}
    </PanelFrame>
  );
}

export { DataTable };
