import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { href } from '../router';
import { chartsCounts, runSearch, type SearchResult, type TimeRange } from '../search';
import { DataTable, Empty, ErrorBox } from './common';
import { Chart } from './chart';
import { ResultView } from './result-view';

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

/** A panel showing one SPL search as a chart, table or events. */
export function SearchPanel({ title, query, visualization, range, refresh = 0 }: { title: string; query: string; visualization: 'line' | 'area' | 'column' | 'table' | 'events' | 'single'; range: TimeRange; refresh?: number }) {
  const [result, setResult] = useState<SearchResult | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const controller = new AbortController();
    setResult(undefined);
    setError(undefined);
    runSearch(query, range, { signal: controller.signal, maxRows: 500, binning: 'data' }).then(setResult, (e: unknown) => controller.signal.aborted || setError(e));
    return () => controller.abort();
  }, [query, range.earliest, range.latest, refresh]);
  const state: PanelState = error !== undefined ? 'error' : result === undefined ? 'loading' : result.rows.length === 0 ? 'empty' : 'data';
  const open = href(`/search?${new URLSearchParams({ q: query, ...(range.earliest ? { earliest: range.earliest } : {}) }).toString()}`);
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
    <PanelFrame title={title} state={state} actions={<a {...open} class="small">Open in search</a>}>
      {body}
    </PanelFrame>
  );
}

/** A panel fed by an API call rather than a search (every engine's API is always there: an error is an error). */
export function ApiPanel<T>({ title, load, render, refresh = 0 }: { title: string; load: () => Promise<T>; render: (value: T) => { state: 'data' | 'empty'; body: ComponentChildren }; refresh?: number }) {
  const [value, setValue] = useState<{ v: T } | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    setValue(undefined);
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
