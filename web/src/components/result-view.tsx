import { Chart, type ChartKind } from './chart';
import { DataTable, Empty, JsonView, formatTime } from './common';
import { addFilter, cell, fieldSummary, type SearchResult } from '../search';

export type View = 'events' | 'table' | 'chart';

export function defaultView(result: SearchResult): View {
  if (!result.transforming) return 'events';
  return result.series !== null && result.series.series.length > 0 ? 'chart' : 'table';
}

/** A result as events (pretty JSON + field sidebar), a table, or a chart. */
export function ResultView({ result, view, kind, title, query, onFilter }: { result: SearchResult; view: View; kind: ChartKind; title: string; query?: string; onFilter?: (query: string) => void }) {
  if (result.rows.length === 0) return <Empty title="No results">Nothing matched this search in the selected time range.</Empty>;
  if (view === 'chart') {
    if (result.series === null || result.series.series.length === 0) return <Empty title="Nothing to chart">Charts need a transforming search (chart, timechart, stats) with numeric columns.</Empty>;
    return <Chart data={result.series} kind={kind} title={title} />;
  }
  if (view === 'table' || result.transforming) return <DataTable columns={result.columns} rows={result.rows} caption={title} />;
  return <Events result={result} {...(query === undefined || onFilter === undefined ? {} : { query, onFilter })} />;
}

function parse(raw: string | string[] | undefined): unknown {
  const text = cell(raw);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function Events({ result, query, onFilter }: { result: SearchResult; query?: string; onFilter?: (query: string) => void }) {
  const fields = fieldSummary(result.rows);
  return (
    <div class="events-layout">
      <aside class="fields" aria-label="Fields">
        <h3>Fields</h3>
        {fields.map((f) => (
          <details key={f.field}>
            <summary>
              {f.field} <span class="muted">({f.count})</span>
            </summary>
            <ul>
              {f.top.map((t) => (
                <li key={t.value}>
                  <button type="button" class="link" disabled={onFilter === undefined} title={`add ${f.field}="${t.value}" to the search`} onClick={() => query !== undefined && onFilter?.(addFilter(query, f.field, t.value))}>
                    {t.value === '' ? '(empty)' : t.value}
                  </button>{' '}
                  <span class="muted">{t.count}</span>
                </li>
              ))}
            </ul>
          </details>
        ))}
      </aside>
      <ol class="events" aria-label="Events">
        {result.rows.slice(0, 200).map((row, i) => (
          <li key={i} class="event">
            <div class="event-meta">
              <time>{formatTime(cell(row['_time']))}</time>
              {['host', 'source', 'sourcetype', 'index'].map((k) => (row[k] === undefined ? null : <span key={k} class="tag">{`${k}=${cell(row[k])}`}</span>))}
            </div>
            <JsonView value={parse(row['_raw'])} />
          </li>
        ))}
      </ol>
    </div>
  );
}
