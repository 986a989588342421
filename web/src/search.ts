import { api } from './api';

export type Row = Record<string, string | string[]>;
export interface Series {
  x: string;
  xValues: Array<string | number>;
  series: Array<{ name: string; values: Array<number | null> }>;
}
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

/**
 * Adds `field="value"` to the search: to the base search when it has no pipe, else as a final
 * `| search` (a field the pipeline makes, e.g. with spath or eval, exists only there).
 */
export function addFilter(query: string, field: string, value: string): string {
  const term = fieldTerm(field, value);
  return query.includes('|') ? `${query.trim()} | search ${term}` : `${query.trim()} ${term}`;
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


/**
 * Checks a typed time the way the SIEM reads it (Splunk time modifiers): `now`, `0`, epoch seconds,
 * ISO-8601, `%m/%d/%Y:%H:%M:%S`, `[+|-]<n><unit>` with an optional `@<unit>` snap (`-2h`, `@d`,
 * `-7d@d`, `-1w@w1`). Answers why it is not one, or undefined when it is (empty means no bound).
 */
export function timeError(text: string): string | undefined {
  const value = text.trim();
  if (value === '' || value === 'now' || /^\d+(\.\d+)?$/.test(value)) return undefined;
  if (/^\d{1,2}\/\d{1,2}\/\d{4}:\d{1,2}:\d{2}:\d{2}$/.test(value)) return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) return Number.isNaN(Date.parse(value)) ? `"${value}" is not a valid date` : undefined;
  const unit = '(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wk|weeks?|mon|months?|q|qtr|quarters?|y|yrs?|years?)';
  const pattern = new RegExp(`^(?:[+-]\\d*${unit})?(?:@${unit}\\d?)?$`, 'i');
  if (pattern.test(value)) return undefined;
  return `"${value}" is not a time: use now, -2h, @d, -7d@d, an ISO date or epoch seconds`;
}

/** A stable colour per series name (the same series has the same colour on every panel). */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#393b79', '#0b7a75', '#ad494a', '#637939', '#d6a000', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1', '#636363'];
export function seriesColor(name: string): string {
  if (name === 'OTHER') return '#8a8f98';
  if (name === 'NULL') return '#b0b4ba';
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return PALETTE[(hash >>> 0) % PALETTE.length] as string;
}

/** Whether a chart search aggregates counts (count, dc, sum): its y axis starts at 0 and its columns stack. */
export function chartsCounts(query: string): boolean {
  const last = /\|\s*(?:chart|timechart)\b([^|]*)$/i.exec(query);
  if (last === null) return false;
  return /(^|[\s,(])(c|count|dc|distinct_count|sum)(\s*\(|\s|$)/i.test(last[1] ?? '');
}

/** A field term for a search: `field="value"` (field quoted when it is not a plain name). */
export function fieldTerm(field: string, value: string): string {
  return `${/^[\w.{}:-]+$/.test(field) ? field : `"${field}"`}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The events behind one point of a chart (Splunk's drilldown): the search up to its last
 * chart/timechart/stats, narrowed by the point's field values (an OTHER series narrows nothing),
 * over the point's time bucket.
 */
export function drilldown(query: string, point: { terms: Array<{ field: string; value: string }>; from?: number | undefined; to?: number | undefined }): { query: string; earliest?: string; latest?: string } {
  const transform = /\|\s*(chart|timechart|stats|top|rare)\b[^|]*$/i.exec(query);
  let base = transform === null ? query.trim() : query.slice(0, transform.index).trim();
  for (const { field, value } of point.terms) {
    if (value === 'OTHER') continue;
    const term = fieldTerm(field, value);
    base = base.includes('|') ? `${base} | search ${term}` : `${base} ${term}`;
  }
  return { query: base, ...(point.from === undefined ? {} : { earliest: String(point.from) }), ...(point.to === undefined ? {} : { latest: String(point.to) }) };
}

/** The split field of a `chart … by F` / `chart … over X by F` / `timechart … by F` search. */
export function splitField(query: string): string | undefined {
  const last = /\|\s*(chart|timechart)\b([^|]*)$/i.exec(query);
  if (last === null) return undefined;
  const by = /\bby\s+("[^"]+"|[^\s,]+)/i.exec(last[2] ?? '');
  return by === null ? undefined : (by[1] as string).replace(/^"|"$/g, '');
}

/** The x field of a `chart … over X` (`_time` for timechart). */
export function overField(query: string): string | undefined {
  const last = /\|\s*(chart|timechart)\b([^|]*)$/i.exec(query);
  if (last === null) return undefined;
  if ((last[1] ?? '').toLowerCase() === 'timechart') return '_time';
  const over = /\bover\s+("[^"]+"|[^\s,]+)/i.exec(last[2] ?? '');
  return over === null ? undefined : (over[1] as string).replace(/^"|"$/g, '');
}
