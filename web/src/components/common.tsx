import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import type { ListPage } from '../lists';
import { cell, type Row } from '../search';

export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const e = error instanceof ApiError ? error : undefined;
  return (
    <div class="error" role="alert">
      <strong>{e?.code ?? 'error'}</strong>: {error instanceof Error ? error.message : String(error)}
      {e?.hint === undefined ? null : <div class="hint">{e.hint}</div>}
    </div>
  );
}

/** What a page shows when a feature's API is not present on this server, or there is nothing yet. */
export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty" role="status">
      <strong>{title}</strong>
      {children === undefined ? null : <p>{children}</p>}
    </div>
  );
}

/** A table's row of column headers. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th scope="col" key={c}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

const FOCUSABLE = 'a[href], button:not([disabled]), select, input, textarea, [tabindex]';

/**
 * Keyboard navigation of a list table: ↑/↓ move between rows (to the row's first control),
 * Home/End to the first and last row, PageUp/PageDown to the previous and next page.
 */
export function listKeys(pager?: { prev: () => void; next: () => void }): (event: KeyboardEvent) => void {
  return (event) => {
    const target = event.target as HTMLElement;
    const row = target.closest('tbody > tr');
    if ((event.key === 'PageDown' || event.key === 'PageUp') && pager !== undefined) {
      event.preventDefault();
      (event.key === 'PageDown' ? pager.next : pager.prev)();
      return;
    }
    if (row === null || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
    // Controls that use the arrow keys themselves keep them.
    if (target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && target.type !== 'checkbox')) return;
    const rows = [...(row.parentElement?.children ?? [])] as HTMLElement[];
    const at = rows.indexOf(row as HTMLElement);
    const to = event.key === 'ArrowDown' ? at + 1 : event.key === 'ArrowUp' ? at - 1 : event.key === 'Home' ? 0 : rows.length - 1;
    const next = rows[to];
    if (next === undefined) return;
    event.preventDefault();
    const control = next.querySelector<HTMLElement>(FOCUSABLE);
    if (control !== null) control.focus();
    else {
      next.tabIndex = -1;
      next.focus();
    }
  };
}

/** A data table with a screen-reader caption and column headers; its children are the body rows. */
export function Table({ caption, columns, wrapClass, children, onKeyDown }: { caption: string; columns: readonly string[]; wrapClass?: string; children: ComponentChildren; onKeyDown?: (event: KeyboardEvent) => void }) {
  return (
    <div class={wrapClass === undefined ? 'table-wrap' : `table-wrap ${wrapClass}`} onKeyDown={onKeyDown ?? listKeys()}>
      <table class="data">
        <caption class="sr-only">{caption}</caption>
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function DataTable({ columns, rows, caption, limit = 500 }: { columns: string[]; rows: Row[]; caption?: string; limit?: number }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption ?? 'results'}>
      <table class="data">
        {caption === undefined ? null : <caption class="sr-only">{caption}</caption>}
        <TableHead columns={columns} />
        <tbody>
          {rows.slice(0, limit).map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{cell(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > limit ? <p class="muted">showing {limit} of {rows.length} rows</p> : null}
    </div>
  );
}

/** A plain table of objects (API lists); `rowClass` marks rows (e.g. things in violation). */
export function ObjectTable<T>({ items, columns, caption, rowClass, onKeyDown }: { items: readonly T[]; caption: string; columns: Array<{ label: string; render: (item: T) => ComponentChildren }>; rowClass?: (item: T) => string | undefined; onKeyDown?: (event: KeyboardEvent) => void }) {
  return (
    <Table caption={caption} columns={columns.map((c) => c.label)} {...(onKeyDown === undefined ? {} : { onKeyDown })}>
      {items.map((item, i) => (
        <tr key={i} class={rowClass?.(item)}>
          {columns.map((c) => (
            <td key={c.label}>{c.render(item)}</td>
          ))}
        </tr>
      ))}
    </Table>
  );
}

export function formatTime(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  // Epoch seconds or ms (numbers, or numeric strings as SPL answers _time), else ISO text.
  const numeric = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(String(value)) ? Number(value) : undefined;
  const n = numeric !== undefined ? (numeric < 1e12 ? numeric * 1000 : numeric) : Date.parse(String(value));
  return Number.isNaN(n) ? String(value) : new Date(n).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Pretty JSON with collapsible objects (events view). */
export function JsonView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || typeof value !== 'object') return <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const open = Array.isArray(value) ? '[' : '{';
  const close = Array.isArray(value) ? ']' : '}';
  if (entries.length === 0) return <span>{open + close}</span>;
  return (
    <details open={depth < 2} class="json">
      <summary>
        {open}
        <span class="muted"> {entries.length} </span>
      </summary>
      <ul>
        {entries.map(([k, v]) => (
          <li key={k}>
            {Array.isArray(value) ? null : <span class="json-key">"{k}": </span>}
            <JsonView value={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
      {close}
    </details>
  );
}

export function rowsOf(items: Array<Record<string, unknown>>): { columns: string[]; rows: Row[] } {
  const columns = [...new Set(items.flatMap((i) => Object.keys(i)))];
  const rows = items.map((i) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) as Row);
  return { columns, rows };
}

export { cell };

export interface Paged<T> {
  readonly page: ListPage<T> | undefined;
  readonly error: unknown;
  readonly offset: number;
  readonly limit: number;
  setOffset(offset: number): void;
  setLimit(limit: number): void;
  readonly keys: { prev: () => void; next: () => void };
  /** Reloads the current page (after a change made from the list). */
  reload(): void;
}

/**
 * One page of an API list at a time: reloads when `deps` (its filters) change — going back to the
 * first page — when the offset or page size does, and on `refresh` (staying on the page). A load
 * that a newer one replaced is dropped.
 */
export function usePaged<T>(load: (offset: number, limit: number) => Promise<ListPage<T>>, deps: readonly unknown[], refresh = 0, initialLimit = 100): Paged<T> {
  const filters = JSON.stringify(deps);
  // The offset belongs to the filters it was chosen under: new filters start at the first page.
  const [at, setAt] = useState({ filters, offset: 0 });
  const offset = at.filters === filters ? at.offset : 0;
  const setOffset = (n: number): void => setAt({ filters, offset: n });
  const [limit, setLimit] = useState(initialLimit);
  const [page, setPage] = useState<ListPage<T> | undefined>();
  const [error, setError] = useState<unknown>();
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load(offset, limit).then(
      (p) => {
        if (!live) return;
        // The list shrank under this page (e.g. items removed): show its last page instead.
        if (p.items.length === 0 && p.total > 0 && offset > 0) setOffset(Math.floor((p.total - 1) / limit) * limit);
        else setPage(p);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [filters, offset, limit, refresh, reloads]);
  const total = page?.total ?? 0;
  const keys = { prev: () => setOffset(Math.max(0, offset - limit)), next: () => offset + limit < total && setOffset(offset + limit) };
  return { page, error, offset, limit, setOffset, setLimit: (n) => (setLimit(n), setOffset(0)), keys, reload: () => setReloads((n) => n + 1) };
}

/** "1–100 of 2,000" with first, previous, next and last page buttons and the page size. */
export function Pager<T>({ paged, label }: { paged: Paged<T>; label: string }) {
  const { page, offset, limit } = paged;
  const total = page?.total ?? 0;
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const shown = page === undefined ? 0 : page.items.length;
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <span role="status" class="muted">
        {page === undefined ? 'loading…' : total === 0 ? `no ${label}` : `${fmt(offset + 1)}–${fmt(offset + shown)} of ${fmt(total)} ${label}`}
      </span>
      <button type="button" onClick={() => paged.setOffset(0)} disabled={offset === 0} aria-label={`First page of ${label}`}>
        «
      </button>
      <button type="button" onClick={paged.keys.prev} disabled={offset === 0} aria-label={`Previous page of ${label}`}>
        ‹ Prev
      </button>
      <button type="button" onClick={paged.keys.next} disabled={offset + limit >= total} aria-label={`Next page of ${label}`}>
        Next ›
      </button>
      <button type="button" onClick={() => paged.setOffset(last)} disabled={offset >= last} aria-label={`Last page of ${label}`}>
        »
      </button>
      <label>
        per page{' '}
        <select value={String(limit)} onChange={(e) => paged.setLimit(Number((e.target as HTMLSelectElement).value))}>
          {[25, 100, 250, 1000].map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}
