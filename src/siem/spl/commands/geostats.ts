import { VigilError } from '../../../core/index.js';
import type { Aggregation } from '../ast.js';
import { aggregateSql } from '../aggregations.js';
import { rowsFact } from '../facts.js';
import { aggregationName, parseAggregations } from '../parser.js';
import { asNum, asStr, quoteIdent, quoteString, type Kind } from '../relation.js';
import { command } from './command.js';

interface GeostatsArgs {
  readonly aggs: Aggregation[];
  readonly by: string | undefined;
  readonly latField: string;
  readonly lonField: string;
  readonly outLat: string;
  readonly outLon: string;
  readonly binLat: number;
  readonly binLon: number;
}

/** Split-by values one geostats makes columns for (the rest go to OTHER, as in chart). */
const GEOSTATS_LIMIT = 10;

/**
 * `geostats [latfield=lat] [longfield=lon] [outputlatfield=latitude] [outputlongfield=longitude]
 * [binspanlat=22.5] [binspanlong=45.0] <stats-agg>… [by <field>]`: statistics per geographic bin of
 * binspanlat × binspanlong degrees (zoom level 0): one row per bin with points, `geobin`
 * (`bin_id_zl_0_y_<row>_x_<column>`), the mean latitude and longitude of its points, and the
 * aggregations (with `by`: one column per value, the 10 largest by total, others in OTHER). Rows
 * without a numeric latitude and longitude are left out. Rows go in bin order.
 */
export const geostats = command<GeostatsArgs>({
  name: 'geostats',
  summary: 'statistics per map bin: geostats [latfield=lat longfield=lon] count by Country',
  mode: 'search',
  parse(reader) {
    const keys = ['latfield', 'longfield', 'outputlatfield', 'outputlongfield', 'binspanlat', 'binspanlong', 'maxzoomlevel', 'globallimit', 'translatetoxy'];
    const options = reader.options(keys);
    const aggs = parseAggregations(reader, ['by']);
    let by: string | undefined;
    if (reader.isWord('by')) {
      reader.next();
      by = reader.name('a field after by').value;
    }
    reader.optionsInto(keys, options);
    reader.rejectRest();
    if (aggs.length === 0) aggs.push({ fn: 'count', field: undefined, as: undefined, span: reader.endSpan() });
    const degrees = (key: string, fallback: number): number => {
      const token = options[key];
      if (token === undefined) return fallback;
      const n = Number(token.value);
      if (!Number.isFinite(n) || n <= 0 || n > 360) throw reader.error('spl.invalid_argument', `${key}= must be a number of degrees above 0, not '${token.value}'`, { offset: token.offset, length: token.length });
      return n;
    };
    return {
      aggs,
      by,
      latField: options['latfield']?.value ?? 'lat',
      lonField: options['longfield']?.value ?? 'lon',
      outLat: options['outputlatfield']?.value ?? 'latitude',
      outLon: options['outputlongfield']?.value ?? 'longitude',
      binLat: degrees('binspanlat', 22.5),
      binLon: degrees('binspanlong', 45.0),
    };
  },
  plan(args, rel, ctx) {
    rel.materialize([args.latField, args.lonField, args.by, ...args.aggs.map((a) => a.field)]);
    const lat = asNum(rel.ref(args.latField));
    const lon = asNum(rel.ref(args.lonField));
    const y = `floor((${lat} + 90) / ${args.binLat})`;
    const x = `floor((${lon} + 180) / ${args.binLon})`;
    rel.push((src) => `SELECT *, ${y} AS "__gy", ${x} AS "__gx", ${lat} AS "__glat", ${lon} AS "__glon" FROM ${src} WHERE ${lat} BETWEEN -90 AND 90 AND ${lon} BETWEEN -180 AND 180`);
    for (const c of ['__gy', '__gx', '__glat', '__glon']) rel.columns.set(c, 'num');
    const items = [`'bin_id_zl_0_y_' || CAST("__gy" AS BIGINT) || '_x_' || CAST("__gx" AS BIGINT) AS "geobin"`, `avg("__glat") AS ${quoteIdent(args.outLat)}`, `avg("__glon") AS ${quoteIdent(args.outLon)}`];
    const columns: Array<[string, Kind]> = [['geobin', 'str'], [args.outLat, 'num'], [args.outLon, 'num']];
    if (args.by === undefined) {
      for (const agg of args.aggs) {
        const value = aggregateSql(agg, rel);
        const name = aggregationName(agg);
        items.push(`${value.sql} AS ${quoteIdent(name)}`);
        columns.push([name, value.kind === 'null' ? 'str' : value.kind]);
      }
    } else {
      const by = asStr(rel.ref(args.by));
      const ranked = rowsFact(ctx.facts, `geostats:${rel.current}:${args.by}`, rel.render((cur) => `SELECT ${by} AS v, count(*) AS n FROM ${cur} WHERE ${by} IS NOT NULL GROUP BY 1 ORDER BY n DESC, v`)).map((r) => String(r['v']));
      const top = ranked.slice(0, GEOSTATS_LIMIT);
      const groups = ranked.length > GEOSTATS_LIMIT ? [...top, 'OTHER'] : top;
      groups.forEach((group, g) => {
        const member = group === 'OTHER' && ranked.length > GEOSTATS_LIMIT ? `${by} IS NOT NULL AND ${by} NOT IN (${top.map(quoteString).join(', ')})` : `${by} = ${quoteString(group)}`;
        for (const agg of args.aggs) {
          const column = `__gb${g}_${args.aggs.indexOf(agg)}`;
          const source = agg.field === undefined ? '1' : rel.ref(agg.field).sql;
          rel.push((src) => `SELECT *, CASE WHEN ${member} THEN ${source} END AS ${quoteIdent(column)} FROM ${src}`);
          rel.columns.set(column, agg.field === undefined ? 'num' : (rel.ref(agg.field).kind === 'null' ? 'str' : rel.ref(agg.field).kind));
          const value = aggregateSql({ ...agg, fn: agg.fn, field: column }, rel);
          const name = args.aggs.length === 1 ? group : `${aggregationName(agg)}: ${group}`;
          items.push(`${agg.fn === 'count' || agg.fn === 'dc' ? `coalesce(${value.sql}, 0)` : value.sql} AS ${quoteIdent(name)}`);
          columns.push([name, value.kind === 'null' ? 'str' : value.kind]);
        }
      });
    }
    rel.push((src) => `SELECT ${items.join(', ')}, min("__gy") * 100000 + min("__gx") AS "__ord" FROM ${src} GROUP BY "__gy", "__gx"`);
    if (columns.length === 3 && args.by === undefined) throw new VigilError('spl.missing_argument', 'geostats needs an aggregation', { hint: 'e.g. geostats count' });
    rel.columns = new Map([...columns, ['__ord', 'num']]);
    rel.eventMode = false;
    rel.jsonInputs = [];
    rel.order = ['"__ord"'];
    rel.orderColumns = new Set(['__ord']);
  },
});
