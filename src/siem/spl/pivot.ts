import { DECOMPOSABLE } from './aggregations.js';
import type { PivotSpec } from './relation.js';

export type Cell = string | number | readonly string[] | null | undefined;
export type LongRow = Readonly<Record<string, unknown>>;

/** Columns past `limit` must merge into OTHER but an aggregation cannot be merged from partials. */
export function needsSecondPass(spec: PivotSpec, long: readonly LongRow[]): string[] | undefined {
  if (spec.byField === undefined || spec.limit <= 0 || !spec.useOther) return undefined;
  const ranked = rankColumns(spec, long);
  if (ranked.length <= spec.limit) return undefined;
  if (spec.series.every((s) => DECOMPOSABLE.has(s.fn))) return undefined;
  return ranked.slice(0, spec.limit);
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** Column values by total of the first series, descending (ties by name). */
function rankColumns(spec: PivotSpec, long: readonly LongRow[]): string[] {
  const totals = new Map<string, number>();
  for (const row of long) {
    const col = row['__col'];
    if (col === null || col === undefined || col === spec.otherStr) continue;
    totals.set(String(col), (totals.get(String(col)) ?? 0) + (num(row['__s0']) ?? 0));
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([c]) => c);
}

export function naturalCompare(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  const xn = a.trim() !== '' && !Number.isNaN(x);
  const yn = b.trim() !== '' && !Number.isNaN(y);
  if (xn && yn) return x - y;
  if (xn !== yn) return xn ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function merge(fn: string, a: Cell, b: Cell): Cell {
  if (a === undefined || a === null) return b;
  if (b === undefined || b === null) return a;
  const x = num(a);
  const y = num(b);
  if (fn === 'count' || fn === 'sum') return (x ?? 0) + (y ?? 0);
  if (x !== undefined && y !== undefined) return fn === 'max' ? Math.max(x, y) : Math.min(x, y);
  const sa = String(a);
  const sb = String(b);
  return fn === 'max' ? (sa > sb ? a : b) : sa < sb ? a : b;
}

/**
 * Pivots the long form into chart output: one row per row value (ascending), one column per column
 * value (natural order, then NULL and OTHER), or per aggregation when there is no BY field.
 */
export function pivotRows(spec: PivotSpec, long: readonly LongRow[]): { columns: string[]; rows: Array<Record<string, Cell>> } {
  const rowName = spec.rowIsTime ? '_time' : spec.rowField;
  const zeroFns = new Set(['count', 'dc']);
  let keep: Set<string> | undefined;
  if (spec.byField !== undefined && spec.limit > 0) {
    const ranked = rankColumns(spec, long);
    if (ranked.length > spec.limit) keep = new Set(ranked.slice(0, spec.limit));
  }
  const rows = new Map<string, { key: unknown; cells: Map<string, Cell[]> }>();
  const colSet = new Set<string>();
  for (const row of long) {
    const rowKey = String(row['__row']);
    let entry = rows.get(rowKey);
    if (entry === undefined) {
      entry = { key: row['__row'], cells: new Map() };
      rows.set(rowKey, entry);
    }
    let col: string | undefined;
    if (spec.byField === undefined) col = '';
    else if (row['__col'] === null || row['__col'] === undefined) col = spec.useNull ? spec.nullStr : undefined;
    else {
      col = String(row['__col']);
      if (col !== spec.otherStr && keep !== undefined && !keep.has(col)) col = spec.useOther ? spec.otherStr : undefined;
    }
    if (col === undefined) continue;
    colSet.add(col);
    const values = spec.series.map((_s, i) => row[`__s${i}`] as Cell);
    const existing = entry.cells.get(col);
    entry.cells.set(col, existing === undefined ? values : existing.map((v, i) => merge(spec.series[i]?.fn ?? 'max', v, values[i])));
  }
  const special = [spec.nullStr, spec.otherStr];
  const colValues = [...colSet].filter((c) => spec.byField === undefined || !special.includes(c)).sort(naturalCompare);
  if (spec.byField !== undefined) for (const s of special) if (colSet.has(s)) colValues.push(s);

  let keys = [...rows.values()].map((r) => r.key);
  if (spec.fill !== undefined && spec.rowIsTime) {
    const span = spec.fill.spanSeconds;
    const present = keys.map((k) => Number(k));
    const from = spec.fill.fromSec !== undefined ? Math.floor(spec.fill.fromSec / span) * span : Math.min(...present);
    const to = spec.fill.toSec !== undefined ? Math.ceil(spec.fill.toSec / span) * span - span : Math.max(...present);
    if (Number.isFinite(from) && Number.isFinite(to) && (to - from) / span <= 100_000) {
      const have = new Set(present);
      for (let t = from; t <= to; t += span) if (!have.has(t)) keys.push(t);
    }
  }
  keys = keys.sort((a, b) => (spec.rowIsTime ? Number(a) - Number(b) : naturalCompare(String(a), String(b))));

  const columns: string[] = [];
  if (rowName !== undefined) columns.push(rowName);
  const cellName = (seriesIndex: number, col: string): string => {
    if (spec.byField === undefined) return spec.series[seriesIndex]?.name ?? '';
    return spec.series.length === 1 ? col : `${spec.series[seriesIndex]?.name}: ${col}`;
  };
  for (const col of colValues) spec.series.forEach((_s, i) => columns.push(cellName(i, col)));

  const out = keys.map((key) => {
    const entry = rows.get(String(key));
    const record: Record<string, Cell> = {};
    if (rowName !== undefined) record[rowName] = key as Cell;
    for (const col of colValues) {
      const values = entry?.cells.get(col);
      spec.series.forEach((s, i) => {
        const value = values?.[i];
        record[cellName(i, col)] = value ?? (zeroFns.has(s.fn) ? 0 : undefined);
      });
    }
    return record;
  });
  return { columns, rows: out };
}
