import { spanOf, type Token } from '../lexer.js';
import { rejectReserved } from '../relation.js';
import { command } from './command.js';
import { booleanOption, integerOption } from './option-values.js';
import { sort } from './sort.js';

type SortArgs = Parameters<typeof sort.plan>[0];

interface DedupArgs {
  readonly keep: number;
  readonly fields: readonly string[];
  readonly keepEmpty: boolean;
  readonly consecutive: boolean;
  readonly sortBy: SortArgs | undefined;
}

const OPTIONS = ['keepempty', 'consecutive', 'keepevents'];

/**
 * `dedup [N] f1 [f2…] [keepempty=f] [consecutive=f] [sortby …]`: keeps the first N rows (current
 * order) of each value combination; rows missing a field are dropped unless keepempty=true;
 * consecutive=true only removes repeats of the row before. `sortby` (sort's syntax) orders the result.
 * A multivalue field compares as its whole ordered list of values.
 */
export const dedup = command<DedupArgs>({
  name: 'dedup',
  summary: 'first row per value combination: dedup [N] f1 f2 [keepempty=t] [consecutive=t] [sortby -f]',
  mode: 'search',
  parse(reader) {
    let keep = 1;
    const options: Record<string, Token> = { ...reader.options(OPTIONS) };
    if (reader.isType('word') && /^\d+$/.test(reader.peek()?.value ?? '') && reader.peek(1) !== undefined) keep = integerOption(reader, 'dedup N', reader.next(), 1);
    const fields: string[] = [];
    let sortBy: SortArgs | undefined;
    while (!reader.atEnd()) {
      if (reader.optionsInto(OPTIONS, options) || reader.skipComma()) continue;
      if (reader.isWord('sortby')) {
        const at = reader.next();
        if (reader.atEnd()) throw reader.error('spl.missing_argument', 'sortby needs a field', spanOf(at), 'e.g. dedup user sortby -_time');
        sortBy = { ...sort.parse(reader), limit: 0 };
        break;
      }
      const token = reader.name('a field name');
      if (token.type === 'word' && reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown dedup option '${token.value}'`, spanOf(token), 'dedup options: keepempty=, consecutive=, sortby');
      fields.push(token.value);
    }
    if (fields.length === 0) throw reader.error('spl.missing_argument', 'dedup needs at least one field', reader.endSpan(), 'e.g. dedup host');
    if (options['keepevents'] !== undefined && booleanOption(reader, 'keepevents', options['keepevents'], false)) {
      throw reader.error('spl.unsupported', 'dedup keepevents=true is not supported', spanOf(options['keepevents']), 'use eventstats or streamstats to mark duplicates');
    }
    return {
      keep,
      fields,
      keepEmpty: booleanOption(reader, 'keepempty', options['keepempty'], false),
      consecutive: booleanOption(reader, 'consecutive', options['consecutive'], false),
      sortBy,
    };
  },
  plan({ keep, fields, keepEmpty, consecutive, sortBy }, rel, ctx) {
    for (const f of fields) rejectReserved(f);
    rel.materialize(fields);
    const keys = fields.map((f) => rel.ref(f));
    const missing = keys.map((k) => (k.kind === 'mv' ? `coalesce(len(${k.sql}), 0) = 0` : `${k.sql} IS NULL`));
    const anyMissing = missing.length === 0 ? 'false' : `(${missing.join(' OR ')})`;
    const over = rel.order.length > 0 ? `ORDER BY ${rel.order.join(', ')}` : '';
    if (!keepEmpty) rel.push((src) => `SELECT * FROM ${src} WHERE NOT ${anyMissing}`);
    const tuple = `row(${keys.map((k) => k.sql).join(', ')})`;
    if (consecutive) {
      // Runs of equal combinations in the current order; keep the first N rows of each run.
      rel.push((src) => `SELECT *, CASE WHEN ${tuple} IS NOT DISTINCT FROM lag(${tuple}) OVER (${over}) THEN 0 ELSE 1 END AS "__dd_new" FROM ${src}`);
      rel.push((src) => `SELECT * EXCLUDE ("__dd_new"), sum("__dd_new") OVER (${over}${over === '' ? '' : ' ROWS UNBOUNDED PRECEDING'}) AS "__dd_run" FROM ${src}`);
      rel.push((src) => `SELECT * EXCLUDE ("__dd_run") FROM ${src} QUALIFY ${anyMissing} OR row_number() OVER (PARTITION BY "__dd_run" ${over}) <= ${keep}`);
    } else {
      rel.push((src) => `SELECT * FROM ${src} QUALIFY ${anyMissing} OR row_number() OVER (PARTITION BY ${keys.map((k) => k.sql).join(', ')} ${over}) <= ${keep}`);
    }
    if (sortBy !== undefined) sort.plan(sortBy, rel, ctx);
  },
});
