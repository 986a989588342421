import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { route, setQuery } from '../router';
import { cancelSearch, download, REFERENCE_QUERIES, runSearch, toCsv, type SearchResult, type TimeRange } from '../search';
import { ErrorBox } from '../components/common';
import { TimeRangePicker } from '../components/time-range';
import { ResultView, defaultView, type View } from '../components/result-view';
import type { ChartKind } from '../components/chart';

const HISTORY_KEY = 'vigil.search.history';

function loadHistory(): string[] {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

export function SearchPage() {
  const initial = route.value.query;
  const [query, setQueryText] = useState(initial.get('q') ?? REFERENCE_QUERIES.all);
  const [range, setRange] = useState<TimeRange>({ earliest: initial.get('earliest') ?? '-24h', latest: initial.get('latest') ?? '' });
  const [view, setView] = useState<View | undefined>((initial.get('view') as View | null) ?? undefined);
  const [kind, setKind] = useState<ChartKind>((initial.get('chart') as ChartKind | null) ?? 'line');
  const [result, setResult] = useState<SearchResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [running, setRunning] = useState<{ id?: string; started: number; controller: AbortController } | undefined>();
  const [elapsed, setElapsed] = useState(0);
  const [history, setHistory] = useState(loadHistory);
  const [historyAt, setHistoryAt] = useState(-1);
  const editor = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (running === undefined) return;
    const timer = setInterval(() => setElapsed(Date.now() - running.started), 200);
    return () => clearInterval(timer);
  }, [running]);

  const run = async (text = query): Promise<void> => {
    if (running !== undefined) return;
    const controller = new AbortController();
    const state: { id?: string; started: number; controller: AbortController } = { started: Date.now(), controller };
    setRunning(state);
    setElapsed(0);
    setError(undefined);
    const next = [text, ...history.filter((h) => h !== text)].slice(0, 50);
    setHistory(next);
    setHistoryAt(-1);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
    setQuery({ q: text, earliest: range.earliest, latest: range.latest, view, chart: kind === 'line' ? undefined : kind });
    try {
      const r = await runSearch(text, range, { signal: controller.signal, onId: (id) => (state.id = id) });
      setResult(r);
      if (view === undefined || (view === 'events' && r.transforming) || (view !== 'events' && !r.transforming)) setView(defaultView(r));
    } catch (e) {
      if (controller.signal.aborted) setError(new Error('search cancelled'));
      else setError(e);
      if (e instanceof ApiError && e.span !== undefined && editor.current !== null) {
        editor.current.focus();
        editor.current.setSelectionRange(e.span.offset, e.span.offset + Math.max(1, e.span.length));
      }
    } finally {
      setRunning(undefined);
    }
  };

  const cancel = (): void => {
    if (running === undefined) return;
    if (running.id !== undefined) void cancelSearch(running.id);
    running.controller.abort();
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

  const span = error instanceof ApiError ? error.span : undefined;
  const activeView = result === undefined ? 'events' : (view ?? defaultView(result));
  return (
    <section aria-labelledby="search-title">
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
          Ctrl+Enter runs · Esc cancels · Alt+↑/↓ walks history
        </p>
        <div class="toolbar">
          <TimeRangePicker value={range} onChange={setRange} />
          <label for="history">Recent</label>
          <select id="history" value="" onChange={(e) => setQueryText((e.target as HTMLSelectElement).value)}>
            <option value="">— recent searches —</option>
            {history.map((h) => (
              <option key={h} value={h}>
                {h.length > 90 ? `${h.slice(0, 90)}…` : h}
              </option>
            ))}
          </select>
          {running === undefined ? (
            <button type="submit" class="primary">
              Run
            </button>
          ) : (
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
            <span class="muted" role="status">
              {result.rows.length} {result.transforming ? 'rows' : 'events'}
            </span>
            {(['events', 'table', 'chart'] as const).map((v) => (
              <button key={v} type="button" aria-pressed={activeView === v} disabled={v === 'events' && result.transforming} onClick={() => setView(v)}>
                {v[0]?.toUpperCase() + v.slice(1)}
              </button>
            ))}
            {activeView === 'chart' ? (
              <>
                <label for="chart-kind">Chart</label>
                <select id="chart-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as ChartKind)}>
                  <option value="line">Line</option>
                  <option value="area">Area</option>
                  <option value="column">Column</option>
                </select>
              </>
            ) : null}
            <button type="button" onClick={() => download('vigil-search.csv', 'text/csv', toCsv(result.columns, result.rows))}>
              Export CSV
            </button>
            <button type="button" onClick={() => download('vigil-search.json', 'application/json', JSON.stringify(result.rows, null, 2))}>
              Export JSON
            </button>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(location.href)}>
              Copy link
            </button>
          </div>
          <ResultView
            result={result}
            view={activeView}
            kind={kind}
            title="Search results"
            query={query}
            onFilter={(q) => {
              setQueryText(q);
              void run(q);
            }}
          />
        </div>
      )}
    </section>
  );
}
