import type { Span } from '../ast.js';
import { fact } from '../facts.js';
import { availableFields } from '../field-discovery.js';
import { spanOf } from '../lexer.js';
import { LOOKUP_NAME, lookupTableSql, LOOKUP_ROW_COLUMN } from '../../lookups/catalog.js';
import { quoteIdent } from '../relation.js';
import { command } from './command.js';
import { booleanOption, integerOption } from './option-values.js';
import { lookupsResolved } from './lookup-table.js';

interface OutputLookupArgs {
  readonly name: string;
  readonly append: boolean;
  readonly max: number | undefined;
  readonly createEmpty: boolean;
  readonly span: Span;
}

/**
 * `outputlookup [append=f] [max=N] [create_empty=t] <name>`: writes the current results to the
 * lookup `name` (a CSV lookup, as `vigil lookup upload` stores them: the same name rules and limits)
 * and passes them on unchanged. Columns are the results' fields (internal ones but `_time` left
 * out); multivalues are written one value per line. append=t adds the rows after the lookup's
 * existing ones (columns merged); with no results and create_empty=f nothing is written.
 */
export const outputlookup = command<OutputLookupArgs>({
  name: 'outputlookup',
  summary: 'write the results to a lookup: outputlookup [append=t] name',
  mode: 'search',
  parse(reader) {
    const keys = ['append', 'max', 'create_empty', 'override_if_empty', 'createinapp', 'create_context', 'output_format', 'key_field'];
    const options = reader.options(keys);
    const name = reader.name('a lookup name');
    reader.optionsInto(keys, options);
    reader.rejectRest();
    if (!LOOKUP_NAME.test(name.value)) throw reader.error('spl.invalid_argument', `invalid lookup name "${name.value}"`, spanOf(name), 'use letters, digits, _ . - (up to 100), starting with a letter or digit, e.g. users.csv');
    return {
      name: name.value,
      append: booleanOption(reader, 'append', options['append'], false),
      max: options['max'] === undefined ? undefined : integerOption(reader, 'max', options['max'], 0),
      createEmpty: booleanOption(reader, 'create_empty', options['create_empty'], true),
      span: spanOf(name),
    };
  },
  plan(args, rel, ctx) {
    const fields = availableFields(rel, ctx).filter((f) => !f.startsWith('_') || f === '_time');
    const values = fields.map((f) => `${rel.ref(f).sql} AS ${quoteIdent(f)}`);
    const order = rel.order.length > 0 ? ` ORDER BY ${rel.order.join(', ')}` : '';
    const sql = rel.render((cur) => `SELECT ${values.length > 0 ? values.join(', ') : '1 AS "__one"'} FROM ${cur}${order}${args.max === undefined ? '' : ` LIMIT ${args.max}`}`);
    const existing = lookupsResolved(ctx) ? (ctx as { lookups?: ReadonlyMap<string, { columns: readonly string[] }> }).lookups?.get(args.name) : undefined;
    fact(
      ctx.facts,
      `outputlookup:${rel.current}:${args.name}`,
      async (db) => {
        const rows = await db.query(sql);
        if (rows.length === 0 && !args.createEmpty) return true;
        let columns = [...fields];
        let data = rows.map((r) => fields.map((f) => r[f]));
        if (args.append && existing !== undefined) {
          const old = await db.query(`SELECT * FROM ${lookupTableSql(args.name)} ORDER BY ${quoteIdent(LOOKUP_ROW_COLUMN)}`);
          columns = [...existing.columns, ...fields.filter((f) => !existing.columns.includes(f))];
          data = [...old.map((r) => columns.map((c) => r[c])), ...rows.map((r) => columns.map((c) => r[c]))];
        }
        await db.writeLookup(args.name, columns, data);
        db.note('INFO', `outputlookup wrote ${data.length} rows to lookup ${args.name}`);
        return true;
      },
      true,
    );
  },
});
