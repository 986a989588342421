import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
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

/** A data table with a screen-reader caption and column headers; its children are the body rows. */
export function Table({ caption, columns, wrapClass, children }: { caption: string; columns: readonly string[]; wrapClass?: string; children: ComponentChildren }) {
  return (
    <div class={wrapClass === undefined ? 'table-wrap' : `table-wrap ${wrapClass}`}>
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

/** A plain table of objects (API lists). */
export function ObjectTable<T>({ items, columns, caption }: { items: T[]; caption: string; columns: Array<{ label: string; render: (item: T) => ComponentChildren }> }) {
  return (
    <Table caption={caption} columns={columns.map((c) => c.label)}>
      {items.map((item, i) => (
        <tr key={i}>
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
  const n = typeof value === 'number' ? (value < 1e12 ? value * 1000 : value) : Date.parse(String(value));
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
