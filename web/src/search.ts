import { api } from './api';
import type { Series } from './search-text';

export * from './search-text';

export type Row = Record<string, string | string[]>;
export interface FieldInfo {
  name: string;
  count: number;
  distinctCount: number;
  values: Array<{ value: string; count: number }>;
}
export interface SearchResult {
  columns: string[];
  rows: Row[];
  transforming: boolean;
  earliest: string | null;
  latest: string | null;
  series: Series | null;
  /** How the search ran, e.g. a subsearch cut at maxout. */
  messages?: Array<{ type: 'INFO' | 'WARN'; text: string }>;
  /** With `summary`: every field of the results (SPL fieldsummary) and how many results there are. */
  fields?: FieldInfo[];
  total?: number;
  /** With `pageSize`: the kept results page through `fetchPage(sid, …)`; `kept` rows are pageable. */
  sid?: string;
  kept?: number;
  /** With `timeline`: the event count over time. */
  timeline?: Series | null;
}

export interface TimeRange {
  earliest?: string;
  latest?: string;
}

export const PRESETS: ReadonlyArray<{ label: string; earliest: string }> = [
  { label: 'Last 15 minutes', earliest: '-15m' },
  { label: 'Last 60 minutes', earliest: '-60m' },
  { label: 'Last 4 hours', earliest: '-4h' },
  { label: 'Last 24 hours', earliest: '-24h' },
  { label: 'Last 7 days', earliest: '-7d' },
  { label: 'Last 30 days', earliest: '-30d' },
  { label: 'All time', earliest: '' },
];

export const INDEX = 'aws_hfb';
export const SOURCETYPE = 'aws-iot-device-defender';
const BASE = `index="${INDEX}" sourcetype="${SOURCETYPE}"`;

/** The analyst's reference searches (reference pipeline §7). */
export const REFERENCE_QUERIES = {
  all: BASE,
  listeningPorts: `${BASE} | spath name | search name="aws:num-listening-tcp-ports" | chart max(value.count) as tcp_count over _time by thing`,
  openPorts: (thing: string) => `${BASE} | where thing="${thing.replace(/"/g, '\\"')}" | spath name | search name="aws:listening-tcp-ports" | spath value.ports{} output=open-ports | mvexpand open-ports | chart count(open-ports) over _time by open-ports`,
  auditDetails: `${BASE} | where isnotnull(checkName)`,
};

export function metricPerThing(metric: string, fn = 'max', as = 'value'): string {
  return `${BASE} | spath name | search name="${metric}" | chart limit=0 ${fn}(value.count) as ${as} over _time by thing`;
}

let counter = 0;

export interface SearchOptions {
  signal?: AbortSignal;
  maxRows?: number;
  onId?: (id: string) => void;
  /** Keep the results on the server and return only the first page (see `fetchPage`). */
  pageSize?: number;
  /** Also return the fields summary and the total. */
  summary?: boolean;
  /** Top values per field in the summary (server default 10). */
  summaryValues?: number;
  /** For an event search, also return the event count over time. */
  timeline?: boolean;
  /** Default `_time` spans from the data inside the range (the chart shows the data at its own scale). */
  binning?: 'range' | 'data';
}

/** Runs a search; `onId` receives the id that `cancelSearch` cancels. */
export async function runSearch(query: string, range: TimeRange, options: SearchOptions = {}): Promise<SearchResult> {
  const id = `console-${Date.now().toString(36)}-${++counter}`;
  options.onId?.(id);
  const body: Record<string, unknown> = { query, id, maxRows: options.maxRows ?? 1000 };
  if (options.pageSize !== undefined) body['pageSize'] = options.pageSize;
  if (options.summary === true) body['summary'] = true;
  if (options.summaryValues !== undefined) body['summaryValues'] = options.summaryValues;
  if (options.timeline === true) body['timeline'] = true;
  if (options.binning !== undefined) body['binning'] = options.binning;
  if (range.earliest !== undefined && range.earliest !== '') body['earliest'] = range.earliest;
  if (range.latest !== undefined && range.latest !== '') body['latest'] = range.latest;
  return api<SearchResult>('POST', '/api/v1/search', body, options.signal === undefined ? {} : { signal: options.signal });
}

/** Rows [offset, offset + count) of a search run with `pageSize`. */
export async function fetchPage(sid: string, offset: number, count: number, signal?: AbortSignal): Promise<Row[]> {
  const page = await api<{ rows: Row[] }>('GET', `/api/v1/search/${encodeURIComponent(sid)}/results?offset=${offset}&count=${count}`, undefined, signal === undefined ? {} : { signal });
  return page.rows;
}

/** Every kept row of a search run with `pageSize` (for export), fetched in pages. */
export async function fetchAll(sid: string, kept: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; offset < kept; offset += 5000) rows.push(...(await fetchPage(sid, offset, 5000)));
  return rows;
}

export async function cancelSearch(id: string): Promise<void> {
  await api('DELETE', `/api/v1/search/${encodeURIComponent(id)}`).catch(() => undefined);
}

export function cell(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join('\n') : value;
}

export function toCsv(columns: string[], rows: Row[]): string {
  const quote = (text: string): string => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [columns.map(quote).join(','), ...rows.map((r) => columns.map((c) => quote(cell(r[c]))).join(','))].join('\r\n') + '\r\n';
}

export function download(name: string, type: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Fields of event rows with their top values (count, descending), for the sidebar. */
export function fieldSummary(rows: Row[], limit = 5): Array<{ field: string; count: number; top: Array<{ value: string; count: number }> }> {
  const fields = new Map<string, Map<string, number>>();
  for (const row of rows) {
    for (const [field, raw] of Object.entries(row)) {
      if (field === '_raw' || field === '_time' || field.startsWith('_')) continue;
      let values = fields.get(field);
      if (values === undefined) fields.set(field, (values = new Map()));
      for (const v of Array.isArray(raw) ? raw : [raw]) values.set(v, (values.get(v) ?? 0) + 1);
    }
  }
  return [...fields.entries()]
    .map(([field, values]) => ({
      field,
      count: [...values.values()].reduce((a, b) => a + b, 0),
      top: [...values.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([value, count]) => ({ value, count })),
    }))
    .sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
}


