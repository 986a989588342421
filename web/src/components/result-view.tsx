import { useEffect, useMemo, useState } from 'preact/hooks';
import { Chart, type ChartKind, type ChartPoint } from './chart';
import { DataTable, Empty, ErrorBox, formatTime } from './common';
import { addFilter, cell, chartsCounts, fetchAll, fetchPage, fieldSummary, type FieldInfo, type Row, type SearchResult } from '../search';

export type View = 'events' | 'table' | 'chart';

export function defaultView(result: SearchResult): View {
  if (!result.transforming) return 'events';
  return result.series !== null && result.series.series.length > 0 ? 'chart' : 'table';
}

/** How many rows the search has: the counted total, else the kept rows, else the rows returned. */
export function resultTotal(result: SearchResult): number {
  return result.total ?? result.kept ?? result.rows.length;
}

/** A result as events (pretty JSON + field sidebar), a table, or a chart. */
export function ResultView({
  result,
  view,
  kind,
  title,
  query,
  onFilter,
  onPoint,
  onCell,
  pageSize = 50,
}: {
  result: SearchResult;
  view: View;
  kind: ChartKind;
  title: string;
  query?: string;
  onFilter?: (query: string) => void;
  onPoint?: (point: ChartPoint) => void;
  /** A click on a table cell (drilldown). */
  onCell?: (row: Row, column: string) => void;
  pageSize?: number;
}) {
  if (result.rows.length === 0) return <Empty title="No results">Nothing matched this search in the selected time range.</Empty>;
  if (view === 'chart') {
    if (result.series === null || result.series.series.length === 0) return <Empty title="Nothing to chart">Charts need a transforming search (chart, timechart, stats) with numeric columns.</Empty>;
    return <Chart data={result.series} kind={kind} title={title} counts={query !== undefined && chartsCounts(query)} {...(onPoint === undefined ? {} : { onPoint })} />;
  }
  if (view === 'table' || result.transforming) {
    // A table shorter than what the server kept is fetched whole, so sorting sees every row.
    return query === undefined ? <DataTable columns={result.columns} rows={result.rows} caption={title} /> : <SortableTable result={result} caption={title} {...(onCell === undefined ? {} : { onCell })} />;
  }
  return <Events result={result} pageSize={pageSize} {...(query === undefined || onFilter === undefined ? {} : { query, onFilter })} />;
}

function parse(raw: string | string[] | undefined): unknown {
  const text = cell(raw);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Pretty JSON, every level shown; each object or array can be folded by the user. */
export function JsonTree({ value, name, last = true }: { value: unknown; name?: string; last?: boolean }) {
  const key = name === undefined ? null : <span class="json-key">{JSON.stringify(name)}</span>;
  const comma = last ? '' : ',';
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-line">
        {key}
        {key === null ? null : ': '}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
        {comma}
      </div>
    );
  }
  const array = Array.isArray(value);
  const entries: Array<[string | undefined, unknown]> = array ? (value as unknown[]).map((v) => [undefined, v]) : Object.entries(value as Record<string, unknown>);
  const [open, close] = array ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div class="json-line">
        {key}
        {key === null ? null : ': '}
        {open + close}
        {comma}
      </div>
    );
  }
  return (
    <details open class="json-node">
      <summary>
        {key}
        {key === null ? null : ': '}
        {open}
        <span class="json-folded">
          {' '}
          {entries.length} {array ? 'items' : 'keys'} {close}
          {comma}
        </span>
      </summary>
      <div class="json-children">
        {entries.map(([k, v], i) => (
          <JsonTree key={k ?? i} value={v} {...(k === undefined ? {} : { name: k })} last={i === entries.length - 1} />
        ))}
      </div>
      <div class="json-close">
        {close}
        {comma}
      </div>
    </details>
  );
}

/** The rows of one page: from the reply for the first page, else fetched from the kept results. */
function usePage(result: SearchResult, page: number, pageSize: number): { rows: Row[] | undefined; error: unknown } {
  const [fetched, setFetched] = useState<{ key: string; rows: Row[] } | undefined>();
  const [error, setError] = useState<unknown>();
  const offset = page * pageSize;
  const inReply = result.sid === undefined || offset + Math.min(pageSize, (result.kept ?? 0) - offset) <= result.rows.length;
  const key = `${result.sid ?? ''}:${offset}:${pageSize}`;
  useEffect(() => {
    if (inReply || result.sid === undefined) return;
    const controller = new AbortController();
    setError(undefined);
    fetchPage(result.sid, offset, pageSize, controller.signal).then((rows) => setFetched({ key, rows }), (e: unknown) => controller.signal.aborted || setError(e));
    return () => controller.abort();
  }, [key, inReply]);
  if (inReply) return { rows: result.rows.slice(offset, offset + pageSize), error: undefined };
  return { rows: fetched?.key === key ? fetched.rows : undefined, error };
}

function Pager({ page, pages, onPage, label }: { page: number; pages: number; onPage: (page: number) => void; label: string }) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={page === 0} onClick={() => onPage(0)} aria-label="First page">
        «
      </button>
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)} aria-label="Previous page">
        ‹ Prev
      </button>
      <span class="muted" aria-live="polite">
        page {page + 1} of {pages}
      </span>
      <button type="button" disabled={page >= pages - 1} onClick={() => onPage(page + 1)} aria-label="Next page">
        Next ›
      </button>
      <button type="button" disabled={page >= pages - 1} onClick={() => onPage(pages - 1)} aria-label="Last page">
        »
      </button>
    </nav>
  );
}

/** The field sidebar: every field of the results with its count and top values; a value adds `field="value"`. */
function FieldSidebar({ fields, total, query, onFilter }: { fields: FieldInfo[]; total: number; query?: string; onFilter?: (query: string) => void }) {
  return (
    <aside class="fields" aria-label="Fields">
      <h3>Fields ({fields.length})</h3>
      <ul class="field-list">
        {fields.map((f) => (
          <li key={f.name}>
            <details>
              <summary>
                <span class="field-name">{f.name}</span> <span class="muted">{f.count === total ? '100%' : `${Math.round((f.count / Math.max(total, 1)) * 100)}%`} · {f.distinctCount} values</span>
              </summary>
              <ul aria-label={`Top values of ${f.name}`}>
                {f.values.map((t) => (
                  <li key={t.value}>
                    <button type="button" class="link" disabled={onFilter === undefined} title={`add ${f.name}="${t.value}" to the search`} onClick={() => query !== undefined && onFilter?.(addFilter(query, f.name, t.value))}>
                      {t.value === '' ? '(empty)' : t.value}
                    </button>{' '}
                    <span class="muted">{t.count}</span>
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function Events({ result, query, onFilter, pageSize }: { result: SearchResult; query?: string; onFilter?: (query: string) => void; pageSize: number }) {
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [result]);
  const pageable = result.kept ?? result.rows.length;
  const pages = Math.max(1, Math.ceil(pageable / pageSize));
  const { rows, error } = usePage(result, page, pageSize);
  const fields = useMemo<FieldInfo[]>(
    () =>
      (result.fields ?? fieldSummary(result.rows, 10).map((f) => ({ name: f.field, count: f.count, distinctCount: f.top.length, values: f.top }))).filter((f) => f.name !== '_raw'),
    [result],
  );
  const total = resultTotal(result);
  return (
    <div class="events-layout">
      <FieldSidebar fields={fields} total={total} {...(query === undefined ? {} : { query })} {...(onFilter === undefined ? {} : { onFilter })} />
      <div class="events-main">
        {pageable < total ? (
          <p class="search-warning" role="status">
            {total} events matched; the first {pageable} are kept to page through. Narrow the search or the time range to see the rest.
          </p>
        ) : null}
        <Pager page={page} pages={pages} onPage={setPage} label="Event pages" />
        <ErrorBox error={error} />
        {rows === undefined ? (
          <progress aria-label="loading events" />
        ) : (
          <ol class="events" aria-label="Events" start={page * pageSize + 1}>
            {rows.map((row, i) => (
              <li key={page * pageSize + i} class="event">
                <div class="event-meta">
                  <time>{formatTime(cell(row['_time']))}</time>
                  {['host', 'source', 'sourcetype', 'index'].map((k) => (row[k] === undefined ? null : <span key={k} class="tag">{`${k}=${cell(row[k])}`}</span>))}
                </div>
                <div class="json-view">
                  <JsonTree value={parse(row['_raw'])} />
                </div>
              </li>
            ))}
          </ol>
        )}
        <Pager page={page} pages={pages} onPage={setPage} label="Event pages (bottom)" />
      </div>
    </div>
  );
}

function compareCells(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a.localeCompare(b);
}

/** A result table whose column headers sort it (ascending, then descending), paged. */
function SortableTable({ result, caption, onCell, pageSize = 100 }: { result: SearchResult; caption: string; onCell?: (row: Row, column: string) => void; pageSize?: number }) {
  const [sort, setSort] = useState<{ column: string; descending: boolean } | undefined>();
  const [page, setPage] = useState(0);
  useEffect(() => {
    setSort(undefined);
    setPage(0);
  }, [result]);
  // The reply holds the first page; sorting needs every row the server kept.
  const [all, setAll] = useState<{ result: SearchResult; rows: Row[] } | undefined>();
  const [error, setError] = useState<unknown>();
  const partial = result.sid !== undefined && (result.kept ?? 0) > result.rows.length;
  useEffect(() => {
    if (!partial || result.sid === undefined) return;
    setError(undefined);
    fetchAll(result.sid, result.kept ?? 0).then((rows) => setAll({ result, rows }), setError);
  }, [result, partial]);
  const source = partial ? (all?.result === result ? all.rows : undefined) : result.rows;
  const rows = useMemo(() => {
    if (source === undefined) return [];
    if (sort === undefined) return source;
    const sorted = [...source].sort((a, b) => compareCells(cell(a[sort.column]), cell(b[sort.column])));
    return sort.descending ? sorted.reverse() : sorted;
  }, [source, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  if (error !== undefined) return <ErrorBox error={error} />;
  if (source === undefined) return <progress aria-label="loading rows" />;
  return (
    <div>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table class="data sortable">
          <caption class="sr-only">{caption}</caption>
          <thead>
            <tr>
              {result.columns.map((c) => {
                const state = sort?.column === c ? (sort.descending ? 'descending' : 'ascending') : 'none';
                return (
                  <th scope="col" key={c} aria-sort={state}>
                    <button type="button" class="sort" onClick={() => setSort({ column: c, descending: sort?.column === c && !sort.descending })}>
                      {c} <span aria-hidden="true">{state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.slice(page * pageSize, (page + 1) * pageSize).map((row, i) => (
              <tr key={i}>
                {result.columns.map((c) => (
                  <td key={c}>
                    {onCell === undefined || row[c] === undefined ? (
                      cell(row[c])
                    ) : (
                      <button type="button" class="link cell-drill" title="show the events behind this cell" onClick={() => onCell(row, c)}>
                        {cell(row[c])}
                      </button>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} onPage={setPage} label="Table pages" />
    </div>
  );
}
