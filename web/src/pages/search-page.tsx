import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { route, setQuery } from '../router';
import { bucketSeconds, cancelSearch, cell, cellTerms, chartsCounts, download, drilldown, fetchAll, overField, REFERENCE_QUERIES, runSearch, splitField, statsBy, toCsv, type Row, type SearchResult, type TimeRange } from '../search';
import { ErrorBox } from '../components/common';
import { TimeRangePicker } from '../components/time-range';
import { ResultView, defaultView, resultTotal, type View } from '../components/result-view';
import { Chart, type ChartKind, type ChartPoint } from '../components/chart';
import '../search.css';

const HISTORY_KEY = 'vigil.search.history';
/** The range a search URL without `earliest` runs over (charts still bin at the data's own scale). */
const DEFAULT_EARLIEST = '-24h';
const EVENTS_PER_PAGE = 50;
/** Rows a search keeps on the server to page through (the total is counted beyond it). */
const MAX_KEPT = 10_000;

function loadHistory(): string[] {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

/** What a search URL asks for: `/ui/search?q=…&earliest=…&latest=…&view=events|table|chart&chart=line|area|column`. */
interface Wanted {
  query: string;
  range: TimeRange;
  view: View | undefined;
  kind: ChartKind | undefined;
}

function fromUrl(params: URLSearchParams): Wanted | undefined {
  const q = params.get('q');
  if (q === null || q.trim() === '') return undefined;
  const view = params.get('view');
  const kind = params.get('chart');
  return {
    query: q,
    range: { earliest: params.get('earliest') ?? DEFAULT_EARLIEST, latest: params.get('latest') ?? '' },
    // `stats` is Splunk's name for the table of a transforming search.
    view: view === 'events' || view === 'table' || view === 'chart' ? view : view === 'stats' ? 'table' : undefined,
    kind: kind === 'line' || kind === 'area' || kind === 'column' ? kind : undefined,
  };
}

function urlKey(w: Wanted | undefined): string {
  return w === undefined ? '' : JSON.stringify([w.query, w.range.earliest ?? '', w.range.latest ?? '', w.view ?? '', w.kind ?? '']);
}

export function SearchPage() {
  const initial = fromUrl(route.value.query);
  const [query, setQueryText] = useState(initial?.query ?? REFERENCE_QUERIES.all);
  const [range, setRangeState] = useState<TimeRange>(initial?.range ?? { earliest: route.value.query.get('earliest') ?? DEFAULT_EARLIEST, latest: route.value.query.get('latest') ?? '' });
  const [view, setView] = useState<View | undefined>(initial?.view);
  const [kind, setKind] = useState<ChartKind | undefined>(initial?.kind);
  const [result, setResult] = useState<SearchResult | undefined>();
  const [ran, setRan] = useState<string>('');
  const [error, setError] = useState<unknown>();
  const [running, setRunning] = useState<{ id?: string; started: number; controller: AbortController } | undefined>();
  const [elapsed, setElapsed] = useState(0);
  const [history, setHistory] = useState(loadHistory);
  const [historyAt, setHistoryAt] = useState(-1);
  const [exporting, setExporting] = useState(false);
  const [runs, setRuns] = useState(0);
  const editor = useRef<HTMLTextAreaElement>(null);
  // The latest values for run(): a typed time applied by Enter is in the ref before the form submits.
  const latest = useRef({ query, range, view, kind, running, result });
  latest.current = { ...latest.current, query, view, kind, running, result };
  const lastUrl = useRef(urlKey(initial));

  /** The address bar says what the page shows (`view=stats` is the table, as in Splunk's Statistics tab). */
  const writeUrl = (text: string, over: TimeRange, v: View | undefined, chart: ChartKind | undefined): void => {
    setQuery({ q: text, earliest: over.earliest, latest: over.latest, view: v === 'table' ? 'stats' : v, chart });
    lastUrl.current = urlKey(fromUrl(new URLSearchParams(location.search)));
  };

  const setRange = (next: TimeRange): void => {
    latest.current.range = next;
    setRangeState(next);
  };

  useEffect(() => {
    if (running === undefined) return;
    const timer = setInterval(() => setElapsed(Date.now() - running.started), 200);
    return () => clearInterval(timer);
  }, [running]);

  const run = async (text = latest.current.query, over = latest.current.range, wantedView = latest.current.view): Promise<void> => {
    // A new search replaces one still running.
    const previous = latest.current.running;
    if (previous !== undefined) {
      if (previous.id !== undefined) void cancelSearch(previous.id);
      previous.controller.abort();
    }
    const controller = new AbortController();
    const state: { id?: string; started: number; controller: AbortController } = { started: Date.now(), controller };
    latest.current.running = state;
    setRunning(state);
    setElapsed(0);
    setError(undefined);
    const next = [text, ...history.filter((h) => h !== text)].slice(0, 50);
    setHistory(next);
    setHistoryAt(-1);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
    writeUrl(text, over, wantedView, latest.current.kind);
    try {
      const r = await runSearch(text, over, { signal: controller.signal, onId: (id) => (state.id = id), maxRows: MAX_KEPT, pageSize: EVENTS_PER_PAGE, summary: true, summaryValues: 20, timeline: true, binning: 'data' });
      if (controller.signal.aborted) return;
      setResult(r);
      setRan(text);
      setRuns((n) => n + 1);
      if (wantedView === undefined || (wantedView === 'events' && r.transforming) || (wantedView !== 'events' && !r.transforming)) setView(defaultView(r));
      else setView(wantedView);
    } catch (e) {
      if (controller.signal.aborted) {
        if (latest.current.running === state) setError(new Error('search cancelled'));
        return;
      }
      setError(e);
      if (e instanceof ApiError && e.span !== undefined && editor.current !== null) {
        editor.current.focus();
        editor.current.setSelectionRange(e.span.offset, e.span.offset + Math.max(1, e.span.length));
      }
    } finally {
      if (latest.current.running === state) {
        latest.current.running = undefined;
        setRunning(undefined);
      }
    }
  };

  /** Runs what a URL asks for: on load, and when a link inside the console lands here again. */
  const runWanted = (wanted: Wanted): void => {
    lastUrl.current = urlKey(wanted);
    setQueryText(wanted.query);
    setRange(wanted.range);
    setView(wanted.view);
    if (wanted.kind !== undefined) setKind(wanted.kind);
    latest.current.query = wanted.query;
    latest.current.kind = wanted.kind ?? latest.current.kind;
    void run(wanted.query, wanted.range, wanted.view);
  };
  useEffect(() => {
    const wanted = fromUrl(route.value.query);
    if (wanted !== undefined && (result === undefined || urlKey(wanted) !== lastUrl.current)) runWanted(wanted);
  }, [route.value]);

  const cancel = (): void => {
    const current = latest.current.running;
    if (current === undefined) return;
    if (current.id !== undefined) void cancelSearch(current.id);
    current.controller.abort();
  };

  /** A new time range runs the search (as Splunk's time picker does). */
  const changeRange = (next: TimeRange): void => {
    setRange(next);
    if (latest.current.query.trim() !== '') void run(latest.current.query, next);
  };

  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
    } else if (e.key === 'Escape' && running !== undefined) {
      cancel();
    } else if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && e.altKey) {
      e.preventDefault();
      const at = Math.min(Math.max(historyAt + (e.key === 'ArrowUp' ? 1 : -1), -1), history.length - 1);
      setHistoryAt(at);
      if (at >= 0) setQueryText(history[at] ?? query);
    }
  };

  /** Runs a drilldown's search as events (its time bucket, else the current range). */
  const showEvents = (target: { query: string; earliest?: string; latest?: string }): void => {
    const next = { earliest: target.earliest ?? range.earliest ?? '', latest: target.latest ?? range.latest ?? '' };
    setQueryText(target.query);
    latest.current.query = target.query;
    setRange(next);
    setView('events');
    void run(target.query, next, 'events');
  };

  /** Drilldown: the events behind a chart point (its time bucket, its series' field value). */
  const drill = (point: ChartPoint): void => {
    const terms: Array<{ field: string; value: string }> = [];
    const by = splitField(ran);
    if (by !== undefined) terms.push({ field: by, value: point.series });
    const x = overField(ran);
    if (x !== undefined && x !== '_time') terms.push({ field: x, value: String(point.x) });
    // A chart of `stats … by F`: x is F's value.
    const statsX = statsBy(ran)[0];
    if (x === undefined && statsX !== undefined && statsX !== '_time') terms.push({ field: statsX, value: String(point.x) });
    showEvents(drilldown(ran, { terms, from: point.from, to: point.to }));
  };

  /** Table drilldown: the events behind a cell (its row's by/x values, a split chart's column, its time bucket). */
  const drillCell = (row: Row, column: string): void => {
    const time = Date.parse(cell(row['_time'])) / 1000;
    const from = Number.isFinite(time) ? time : undefined;
    const xs = result?.series?.x === '_time' ? (result.series.xValues as number[]) : [];
    const step = bucketSeconds([...xs].sort((a, b) => a - b));
    showEvents(drilldown(ran, { terms: cellTerms(ran, row, column), from, to: from === undefined || step === undefined ? undefined : from + step }));
  };

  const zoom = (from: number, to: number): void => {
    const next = { earliest: String(from), latest: String(to) };
    setRange(next);
    void run(latest.current.query, next);
  };

  const exportAll = async (format: 'csv' | 'json'): Promise<void> => {
    if (result === undefined) return;
    setExporting(true);
    try {
      const rows = result.sid === undefined || (result.kept ?? 0) <= result.rows.length ? result.rows : await fetchAll(result.sid, result.kept ?? 0);
      if (format === 'csv') download('vigil-search.csv', 'text/csv', toCsv(result.columns, rows));
      else download('vigil-search.json', 'application/json', JSON.stringify(rows, null, 2));
    } catch (e) {
      setError(e);
    } finally {
      setExporting(false);
    }
  };

  const span = error instanceof ApiError ? error.span : undefined;
  const activeView = result === undefined ? 'events' : (view ?? defaultView(result));
  const chartKind: ChartKind = kind ?? (chartsCounts(ran) ? 'column' : 'line');
  const total = result === undefined ? 0 : resultTotal(result);
  return (
    <section aria-labelledby="search-title" class="search-page" data-state={running !== undefined ? 'running' : error !== undefined ? 'error' : result !== undefined ? 'done' : 'idle'} data-runs={runs}>
      <h1 id="search-title">Search</h1>
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label for="spl">SPL query</label>
        <textarea id="spl" ref={editor} rows={3} spellcheck={false} value={query} aria-describedby="spl-help spl-error" aria-invalid={span !== undefined} onInput={(e) => setQueryText((e.target as HTMLTextAreaElement).value)} onKeyDown={onKey} />
        <p id="spl-help" class="muted">
          Ctrl+Enter runs · Esc cancels · Alt+↑/↓ walks history · times: now, -2h, @d, -7d@d · drag across the timeline to zoom · click a chart point for its events
        </p>
        <div class="toolbar">
          <TimeRangePicker value={range} onChange={changeRange} />
          <label for="history">Recent</label>
          <select id="history" class="history" value="" onChange={(e) => setQueryText((e.target as HTMLSelectElement).value)}>
            <option value="">— recent searches —</option>
            {history.map((h) => (
              <option key={h} value={h}>
                {h.length > 90 ? `${h.slice(0, 90)}…` : h}
              </option>
            ))}
          </select>
          <button type="submit" class="primary">
            Run
          </button>
          {running === undefined ? null : (
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {running === undefined ? null : (
        <div class="progress" role="status" aria-live="polite">
          <progress aria-label="search running" /> running… {(elapsed / 1000).toFixed(1)} s
        </div>
      )}
      <div id="spl-error">
        {error instanceof ApiError && error.caret !== undefined ? (
          <div class="error" role="alert">
            <strong>{error.code}</strong>: {error.message}
            <pre class="caret">{error.caret}</pre>
            {error.hint === undefined ? null : <div class="hint">{error.hint}</div>}
          </div>
        ) : (
          <ErrorBox error={error} />
        )}
      </div>
      {result === undefined ? null : (
        <div class="results">
          {(result.messages ?? []).map((m) => (
            <p key={m.text} class={m.type === 'WARN' ? 'search-warning' : 'search-note'} role="status">
              {m.text}
            </p>
          ))}
          <div class="toolbar" role="toolbar" aria-label="Result view">
            <span class="result-count" role="status">
              {total.toLocaleString('en')} {result.transforming ? (total === 1 ? 'row' : 'rows') : total === 1 ? 'event' : 'events'}
            </span>
            {(['events', 'table', 'chart'] as const).map((v) => (
              <button
                key={v}
                type="button"
                aria-pressed={activeView === v}
                disabled={v === 'events' && result.transforming}
                onClick={() => {
                  setView(v);
                  writeUrl(ran, latest.current.range, v, kind);
                }}
              >
                {v[0]?.toUpperCase() + v.slice(1)}
              </button>
            ))}
            {activeView === 'chart' ? (
              <>
                <label for="chart-kind">Chart</label>
                <select
                  id="chart-kind"
                  value={chartKind}
                  onChange={(e) => {
                    const next = (e.target as HTMLSelectElement).value as ChartKind;
                    setKind(next);
                    writeUrl(ran, latest.current.range, activeView, next);
                  }}
                >
                  <option value="line">Line</option>
                  <option value="area">Area</option>
                  <option value="column">Column (stacked)</option>
                </select>
              </>
            ) : null}
            <button type="button" disabled={exporting} onClick={() => void exportAll('csv')}>
              Export CSV
            </button>
            <button type="button" disabled={exporting} onClick={() => void exportAll('json')}>
              Export JSON
            </button>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(location.href)}>
              Copy link
            </button>
          </div>
          {result.transforming || result.timeline === undefined || result.timeline === null ? null : (
            <div class="search-timeline" aria-label="Events over time">
              <Chart data={result.timeline} kind="column" title="Events over time" height={110} counts onZoom={zoom} onPoint={(p) => p.from !== undefined && p.to !== undefined && zoom(p.from, p.to)} />
            </div>
          )}
          <ResultView
            result={result}
            view={activeView}
            kind={chartKind}
            title="Search results"
            query={ran}
            pageSize={EVENTS_PER_PAGE}
            onPoint={drill}
            onCell={drillCell}
            onFilter={(q) => {
              setQueryText(q);
              latest.current.query = q;
              void run(q);
            }}
          />
        </div>
      )}
    </section>
  );
}
