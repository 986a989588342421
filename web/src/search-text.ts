/**
 * The console search's pure helpers (no DOM, no imports): typed times, field filters, drilldown,
 * series colours and folding. Unit-tested in test/console/search-helpers.test.ts.
 */

export interface Series {
  x: string;
  xValues: Array<string | number>;
  series: Array<{ name: string; values: Array<number | null> }>;
}
/**
 * Adds `field="value"` to the search: to the base search when it has no pipe, else as a final
 * `| search` (a field the pipeline makes, e.g. with spath or eval, exists only there).
 */
export function addFilter(query: string, field: string, value: string): string {
  const term = fieldTerm(field, value);
  return query.includes('|') ? `${query.trim()} | search ${term}` : `${query.trim()} ${term}`;
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

/** A field name as SPL writes it (quotes dropped). */
function unquote(name: string): string {
  return name.replace(/^"|"$/g, '');
}

/**
 * The row (x) and split (series) fields of the last chart/timechart: `chart … over X by Y`,
 * `chart … by X Y` (Splunk: the first by field is the row), `timechart … by Y` (x is `_time`).
 */
export function chartFields(query: string): { x?: string; split?: string } {
  const last = /\|\s*(chart|timechart)\b([^|]*)$/i.exec(query);
  if (last === null) return {};
  const args = last[2] ?? '';
  const by = /\bby\s+("[^"]+"|[^\s,]+)(?:[\s,]+("[^"]+"|[^\s,=]+)(?![=\w]))?/i.exec(args);
  if ((last[1] ?? '').toLowerCase() === 'timechart') return { x: '_time', ...(by === null ? {} : { split: unquote(by[1] as string) }) };
  const over = /\bover\s+("[^"]+"|[^\s,]+)/i.exec(args);
  if (over !== null) return { x: unquote(over[1] as string), ...(by === null ? {} : { split: unquote(by[1] as string) }) };
  if (by === null) return {};
  return { x: unquote(by[1] as string), ...(by[2] === undefined ? {} : { split: unquote(by[2]) }) };
}

/** The split field of a chart/timechart (its series are that field's values). */
export function splitField(query: string): string | undefined {
  return chartFields(query).split;
}

/** The x field of a chart (`_time` for timechart). */
export function overField(query: string): string | undefined {
  return chartFields(query).x;
}

/** The `by` fields of a final `stats`. */
export function statsBy(query: string): string[] {
  const last = /\|\s*stats\b([^|]*)$/i.exec(query);
  const by = last === null ? null : /\bby\s+(.+)$/i.exec(last[1] ?? '');
  return by === null ? [] : [...(by[1] as string).matchAll(/"[^"]+"|[^\s,]+/g)].map((m) => unquote(m[0]));
}

/**
 * The field values behind one cell of a transforming result (table drilldown): a stats row's by
 * fields, a chart row's x value and, for a split chart, the cell's column (a value of the split).
 */
export function cellTerms(query: string, row: Readonly<Record<string, string | string[]>>, column: string): Array<{ field: string; value: string }> {
  const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const by = statsBy(query);
  const pairs: Array<[string, string | undefined]> = by.length > 0 ? by.map((f) => [f, one(row[f])]) : [];
  const { x, split } = chartFields(query);
  if (x !== undefined) pairs.push([x, one(row[x])]);
  if (split !== undefined && column !== x) pairs.push([split, column]);
  return pairs.filter((p): p is [string, string] => p[0] !== '_time' && p[1] !== undefined).map(([field, value]) => ({ field, value }));
}

/**
 * At most `max` series: the others are summed into OTHER (with an OTHER the search already made),
 * largest totals kept, the search's order otherwise unchanged.
 */
export function foldSeries(data: Series, max: number): Series {
  if (data.series.length <= max) return data;
  const total = (values: Array<number | null>): number => values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  const named = data.series.filter((s) => s.name !== 'OTHER');
  const keep = new Set([...named].sort((a, b) => total(b.values) - total(a.values)).slice(0, max - 1).map((s) => s.name));
  const other: Array<number | null> = data.xValues.map(() => null);
  for (const s of data.series) {
    if (keep.has(s.name)) continue;
    s.values.forEach((v, i) => {
      if (v !== null) other[i] = (other[i] ?? 0) + v;
    });
  }
  return { ...data, series: [...data.series.filter((s) => keep.has(s.name)), { name: 'OTHER', values: other }] };
}

/** The width of one x bucket (epoch seconds): the smallest step between sorted x values. */
export function bucketSeconds(xs: readonly number[]): number | undefined {
  let step: number | undefined;
  for (let i = 1; i < xs.length; i++) {
    const d = (xs[i] as number) - (xs[i - 1] as number);
    if (d > 0 && (step === undefined || d < step)) step = d;
  }
  return step;
}
