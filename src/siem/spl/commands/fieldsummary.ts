import { availableFields } from '../field-discovery.js';
import { asList, quoteString } from '../relation.js';
import { command } from './command.js';
import { integerOption } from './option-values.js';

/**
 * `fieldsummary [maxvals=100] [fields…]`: one row per field of the results (every field events
 * carry, extracted or not, or the listed ones): `field`, `count` (results with a value),
 * `distinct_count`, `is_exact` (1: counts are exact), `max`, `mean`, `min`, `numeric_count`
 * (values that are numbers), `stdev`, and `values`: the top `maxvals` values with their counts as
 * JSON (`[{"value":"a","count":3},…]`, most frequent first, ties by value). Multivalue fields
 * count each value. Rows go in field order as `table *` lists them.
 */
export const fieldsummary = command<{ maxvals: number; fields: string[] }>({
  name: 'fieldsummary',
  summary: 'one row per field with counts and top values: fieldsummary [maxvals=100]',
  mode: 'search',
  parse(reader) {
    const options = reader.options(['maxvals']);
    const fields: string[] = [];
    while (!reader.atEnd()) {
      if (reader.optionsInto(['maxvals'], options) || reader.skipComma()) continue;
      fields.push(reader.name('a field name').value);
    }
    return { maxvals: options['maxvals'] === undefined ? 100 : integerOption(reader, 'maxvals', options['maxvals'], 0), fields };
  },
  plan({ maxvals, fields: listed }, rel, ctx) {
    const all = availableFields(rel, ctx);
    const fields = listed.length === 0 ? all.filter((f) => !f.startsWith('_') || f === '_time') : listed;
    const entries = fields.map((f) => `{'f': ${quoteString(f)}, 'o': ${fields.indexOf(f)}, 'v': ${asList(rel.ref(f))}}`);
    const list = entries.length === 0 ? `CAST([] AS STRUCT(f VARCHAR, o INTEGER, v VARCHAR[])[])` : `list_filter([${entries.join(', ')}], e -> e.v IS NOT NULL AND len(e.v) > 0)`;
    rel.push((src) => `SELECT unnest(${list}) AS "__e" FROM ${src}`);
    rel.push((src) => `SELECT "__e".f AS f, "__e".o AS o, count(*) OVER (PARTITION BY "__e".f) AS events, unnest("__e".v) AS v FROM ${src}`);
    rel.push((src) => `SELECT f, any_value(o) AS o, any_value(events) AS events, v, count(*) AS c, TRY_CAST(v AS DOUBLE) AS n FROM ${src} GROUP BY f, v`);
    const top = maxvals === 0 ? 'list({\'value\': v, \'count\': c} ORDER BY c DESC, v)' : `list({'value': v, 'count': c} ORDER BY c DESC, v)[1:${maxvals}]`;
    const numeric = 'sum(CASE WHEN n IS NOT NULL THEN c END)';
    const select = [
      'f AS "field"',
      'CAST(any_value(events) AS DOUBLE) AS "count"',
      'CAST(count(*) AS DOUBLE) AS "distinct_count"',
      'CAST(1 AS DOUBLE) AS "is_exact"',
      'max(n) AS "max"',
      `sum(n * c) / nullif(${numeric}, 0) AS "mean"`,
      'min(n) AS "min"',
      `CAST(coalesce(${numeric}, 0) AS DOUBLE) AS "numeric_count"`,
      // Sample standard deviation over every numeric value (each counted c times).
      `(CASE WHEN ${numeric} > 1 THEN sqrt(greatest((sum(n * n * c) - pow(sum(n * c), 2) / ${numeric}) / (${numeric} - 1), 0)) END) AS "stdev"`,
      `CAST(to_json(${top}) AS VARCHAR) AS "values"`,
      'any_value(o) AS "__ord"',
    ];
    rel.push((src) => `SELECT ${select.join(', ')} FROM ${src} GROUP BY f`);
    rel.columns = new Map([
      ['field', 'str'], ['count', 'num'], ['distinct_count', 'num'], ['is_exact', 'num'], ['max', 'num'], ['mean', 'num'], ['min', 'num'], ['numeric_count', 'num'], ['stdev', 'num'], ['values', 'str'], ['__ord', 'num'],
    ]);
    rel.eventMode = false;
    rel.jsonInputs = [];
    rel.order = ['"__ord"'];
    rel.orderColumns = new Set(['__ord']);
  },
});
