import { VigilError } from '../../../core/index.js';
import { LOOKUP_ROW_COLUMN } from '../../lookups/catalog.js';
import type { Span } from '../ast.js';
import type { ArgReader } from '../parser.js';
import { asList, asStr, quoteIdent, rejectReserved, setColumns, type Kind, type Relation, type Typed } from '../relation.js';
import { spanOf } from '../lexer.js';
import { command } from './command.js';
import { lookupsResolved, requireColumn, resolveLookup } from './lookup-table.js';

interface FieldPair {
  /** The lookup column. */
  readonly column: string;
  /** The event field (same name unless `AS`). */
  readonly field: string;
  readonly span: Span;
}

interface LookupArgs {
  readonly table: string;
  readonly tableSpan: Span;
  readonly keys: readonly FieldPair[];
  readonly mode: 'output' | 'outputnew';
  /** Empty: every non-key column, under its own name. */
  readonly outputs: readonly FieldPair[];
}

/** Spec C.4 `max_matches`: at most this many lookup rows per event, joined into a multivalue. */
export const MAX_MATCHES = 100;

function isClause(reader: ArgReader): boolean {
  return reader.isWord('OUTPUT') || reader.isWord('OUTPUTNEW');
}

function readPairs(reader: ArgReader, stopAtClause: boolean): FieldPair[] {
  const out: FieldPair[] = [];
  while (!reader.atEnd() && !(stopAtClause && isClause(reader))) {
    if (reader.isType('comma')) {
      reader.next();
      continue;
    }
    const column = reader.name('a lookup field');
    let field = column;
    if (reader.isWord('AS')) {
      reader.next();
      field = reader.name('a field name after AS');
    }
    out.push({ column: column.value, field: field.value, span: { offset: column.offset, length: field.offset + field.length - column.offset } });
  }
  return out;
}

/**
 * `lookup <table> <lkfield> [AS <evfield>]... [OUTPUT|OUTPUTNEW <dst> [AS <evdst>]...]` (spec C.4):
 * case-sensitive match on every key; up to 100 matching rows per event in file order, several
 * values becoming a multivalue; no OUTPUT clause outputs every non-key column. OUTPUT overwrites
 * (an event without a match loses the field); OUTPUTNEW only fills fields that are missing.
 */
export const lookup = command<LookupArgs>({
  name: 'lookup',
  summary: 'enrich from a CSV lookup: lookup users user AS src_user OUTPUT dept',
  mode: 'search',
  parse(reader) {
    reader.options(['local', 'update']);
    if (reader.atEnd()) throw reader.error('spl.missing_argument', 'lookup needs a lookup name and a field to match', reader.endSpan(), 'e.g. lookup users user OUTPUT department');
    const table = reader.name('a lookup name');
    const keys = readPairs(reader, true);
    if (keys.length === 0) throw reader.error('spl.missing_argument', `lookup ${table.value} needs a field to match`, reader.endSpan(), `e.g. lookup ${table.value} user AS src_user`);
    let mode: 'output' | 'outputnew' = 'output';
    let outputs: FieldPair[] = [];
    if (isClause(reader)) {
      const clause = reader.next();
      mode = clause.value.toUpperCase() === 'OUTPUTNEW' ? 'outputnew' : 'output';
      outputs = readPairs(reader, false);
      if (outputs.length === 0) throw reader.error('spl.missing_argument', `${clause.value} needs at least one lookup field`, spanOf(clause), `e.g. ${clause.value} department AS dept`);
    }
    return { table: table.value, tableSpan: spanOf(table), keys, mode, outputs };
  },
  plan(args, rel, ctx) {
    const table = resolveLookup(ctx, args.table, args.tableSpan, [...args.keys, ...args.outputs].map((p) => p.column));
    for (const key of args.keys) requireColumn(table, key.column, key.span);
    for (const out of args.outputs) {
      requireColumn(table, out.column, out.span);
      rejectReserved(out.field, out.span);
    }
    const keyColumns = new Set(args.keys.map((k) => k.column));
    const outputs = args.outputs.length > 0 ? args.outputs : table.columns.filter((c) => !keyColumns.has(c)).map((c) => ({ column: c, field: c, span: args.tableSpan }));
    if (outputs.length === 0) {
      if (!lookupsResolved(ctx)) return;
      throw new VigilError('spl.invalid_argument', `lookup ${table.name} has no columns besides the match fields`, { span: args.tableSpan });
    }

    // 1. The event side of each key, as a column (a join condition must not read unqualified names).
    const keyValues = args.keys.map((k) => rel.ref(k.field, k.span));
    rel.push((src) => `SELECT *, ${keyValues.map((v, i) => `${v.kind === 'mv' ? asList(v) : asStr(v)} AS "__lkk${i}"`).join(', ')} FROM ${src}`);
    const l = (column: string): string => `l.${quoteIdent(column)}`;
    const conditions = args.keys.map((k, i) => (keyValues[i]?.kind === 'mv' ? `list_contains(s."__lkk${i}", ${l(k.column)})` : `${l(k.column)} = s."__lkk${i}"`)).join(' AND ');
    // 2. Join. A scalar key on a column whose values are unique matches at most one row: a plain join
    // keeps single values; otherwise up to MAX_MATCHES rows in file order become multivalues.
    const single = keyValues.every((v) => v.kind !== 'mv') && args.keys.some((k) => table.unique.includes(k.column));
    const found: Kind = single ? 'str' : 'mv';
    if (single) {
      rel.push((src) => `SELECT s.*, ${outputs.map((o, i) => `${l(o.column)} AS "__lko${i}"`).join(', ')} FROM ${src} s LEFT JOIN ${table.sql} l ON ${conditions}`);
    } else {
      const lists = outputs.map((o, i) => `list(${l(o.column)} ORDER BY l."${LOOKUP_ROW_COLUMN}") FILTER (WHERE ${l(o.column)} IS NOT NULL) AS "__lko${i}"`);
      rel.push((src) => `SELECT s.*, m.* FROM ${src} s LEFT JOIN LATERAL (SELECT ${lists.join(', ')} FROM (SELECT * FROM ${table.sql} l WHERE ${conditions} ORDER BY l."${LOOKUP_ROW_COLUMN}" LIMIT ${MAX_MATCHES}) l) m ON true`);
    }
    // 3. Assign the outputs and drop the helper columns.
    const temp = [...args.keys.map((_, i) => `__lkk${i}`), ...outputs.map((_, i) => `__lko${i}`)];
    const values = new Map<string, { name: string; sql: string; kind: Kind }>();
    outputs.forEach((o, i) => {
      let value: Typed = { sql: `"__lko${i}"`, kind: found };
      if (args.mode === 'outputnew') value = fillMissing(rel, o.field, value);
      // The first output naming a field wins.
      if (!values.has(o.field)) values.set(o.field, { name: o.field, sql: value.sql, kind: value.kind });
    });
    setColumns(rel, [...values.values()], temp);
  },
});

/** OUTPUTNEW: keep the event's value when it has one, else the lookup's. */
function fillMissing(rel: Relation, field: string, found: Typed): Typed {
  const existing = rel.ref(field);
  if (existing.kind === 'null') return found;
  if (existing.kind === 'mv' || found.kind === 'mv') return { sql: `coalesce(${asList(existing)}, ${asList(found)})`, kind: 'mv' };
  return { sql: `coalesce(${asStr(existing)}, ${found.sql})`, kind: 'str' };
}
