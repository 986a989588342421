import { expandFieldPatterns } from '../field-discovery.js';
import { asNum, fmtNum, numberRows, quoteIdent, quoteString, rejectReserved, setColumns, type PlanContext, type Relation } from '../relation.js';
import { command } from './command.js';
import { booleanOption } from './option-values.js';

/** The fields a total adds up: the listed ones (wildcards expanded) or every field but the excluded ones. */
function totalFields(rel: Relation, ctx: PlanContext, listed: readonly string[], exclude: readonly string[]): string[] {
  const names = listed.length > 0 ? expandFieldPatterns(rel, ctx, listed) : expandFieldPatterns(rel, ctx, ['*']);
  return names.filter((n) => !exclude.includes(n) && !n.startsWith('_'));
}

/** Appends one row holding the sum of each numeric field (non-numbers ignored); `label` in `labelfield` when given. */
function appendTotalsRow(rel: Relation, fields: readonly string[], labelField: string | undefined, label: string): void {
  // Extracted fields become columns on every row first, so the union does not hide them.
  rel.materialize([...fields, labelField]);
  numberRows(rel);
  const kinds = rel.columns;
  const items: string[] = [];
  for (const f of fields) {
    const kind = kinds.get(f);
    if (kind === undefined) continue;
    const sum = `sum(${asNum(rel.ref(f))})`;
    items.push(`${kind === 'num' ? sum : kind === 'mv' ? `[${fmtNum(sum)}]` : fmtNum(sum)} AS ${quoteIdent(f)}`);
  }
  const recast: string[] = [];
  if (labelField !== undefined) {
    const kind = kinds.get(labelField);
    if (kind === 'num') recast.push(`${fmtNum(quoteIdent(labelField))} AS ${quoteIdent(labelField)}`);
    items.push(`${kind === 'mv' ? `[${quoteString(label)}]` : quoteString(label)} AS ${quoteIdent(labelField)}`);
  }
  rel.push((src) => `SELECT *${recast.length > 0 ? ` REPLACE (${recast.join(', ')})` : ''} FROM ${src} UNION ALL BY NAME SELECT ${[...items, 'max("__ord") + 1 AS "__ord"'].join(', ')} FROM ${src}`);
  if (labelField !== undefined && kinds.get(labelField) !== 'mv') rel.columns.set(labelField, 'str');
  rel.order = ['"__ord"'];
  rel.orderColumns = new Set(['__ord']);
}

interface AddTotalsArgs {
  readonly row: boolean;
  readonly col: boolean;
  readonly labelField: string | undefined;
  readonly label: string;
  readonly fieldName: string;
  readonly fields: string[];
}

/**
 * `addtotals [row=t] [col=f] [labelfield=f] [label=Total] [fieldname=Total] [fields…]`: adds to
 * each result the sum of its numeric fields (listed ones, or all) as `fieldname`; col=t also appends
 * a row of column sums, labelled in `labelfield`.
 */
export const addtotals = command<AddTotalsArgs>({
  name: 'addtotals',
  summary: 'row (and column) sums: addtotals [row=t] [col=f] [fieldname=Total] [fields]',
  mode: 'search',
  parse(reader) {
    const keys = ['row', 'col', 'labelfield', 'label', 'fieldname'];
    const options = reader.options(keys);
    const fields: string[] = [];
    while (!reader.atEnd()) {
      if (reader.optionsInto(keys, options) || reader.skipComma()) continue;
      fields.push(reader.name('a field name').value);
    }
    const fieldName = options['fieldname']?.value ?? 'Total';
    rejectReserved(fieldName);
    return {
      row: booleanOption(reader, 'row', options['row'], true),
      col: booleanOption(reader, 'col', options['col'], false),
      labelField: options['labelfield']?.value,
      label: options['label']?.value ?? 'Total',
      fieldName,
      fields,
    };
  },
  plan(args, rel, ctx) {
    const fields = totalFields(rel, ctx, args.fields, [args.fieldName, ...(args.labelField === undefined ? [] : [args.labelField])]);
    if (args.row) {
      const parts = fields.map((f) => asNum(rel.ref(f))).filter((sql) => sql !== 'CAST(NULL AS DOUBLE)');
      const sum = parts.length === 0 ? 'CAST(NULL AS DOUBLE)' : `list_sum(list_filter([${parts.map((p) => `CAST(${p} AS DOUBLE)`).join(', ')}], x -> x IS NOT NULL))`;
      setColumns(rel, [{ name: args.fieldName, sql: sum, kind: 'num' }]);
    }
    if (args.col) appendTotalsRow(rel, args.row ? [...fields, args.fieldName] : fields, args.labelField, args.label);
  },
});

/** `addcoltotals [labelfield=f] [label=Total] [fields…]`: appends a row with the sum of each numeric field. */
export const addcoltotals = command<{ labelField: string | undefined; label: string; fields: string[] }>({
  name: 'addcoltotals',
  summary: 'a row of column sums: addcoltotals [labelfield=f] [label=Total] [fields]',
  mode: 'search',
  parse(reader) {
    const keys = ['labelfield', 'label'];
    const options = reader.options(keys);
    const fields: string[] = [];
    while (!reader.atEnd()) {
      if (reader.optionsInto(keys, options) || reader.skipComma()) continue;
      fields.push(reader.name('a field name').value);
    }
    return { labelField: options['labelfield']?.value, label: options['label']?.value ?? 'Total', fields };
  },
  plan(args, rel, ctx) {
    appendTotalsRow(rel, totalFields(rel, ctx, args.fields, args.labelField === undefined ? [] : [args.labelField]), args.labelField, args.label);
  },
});
