import { VigilError } from '../../../core/index.js';
import type { Span } from '../ast.js';
import { fact } from '../facts.js';
import { spanOf } from '../lexer.js';
import { locate } from '../../geo/geo-db.js';
import { asStr, quoteIdent, rejectReserved, setColumns, type Kind } from '../relation.js';
import { command } from './command.js';
import { booleanOption } from './option-values.js';

/** Distinct addresses one iplocation looks up. */
export const IPLOCATION_MAX_ADDRESSES = 200_000;

const FIELDS: ReadonlyArray<readonly [string, Kind, boolean]> = [
  ['City', 'str', false],
  ['Country', 'str', false],
  ['Region', 'str', false],
  ['lat', 'num', false],
  ['lon', 'num', false],
  ['Timezone', 'str', true],
];

/**
 * `iplocation [prefix=] [allfields=f] [lang=en] <ip-field>`: adds `City`, `Country`, `Region`,
 * `lat` and `lon` (with allfields=t also `Timezone`; DB-IP Lite has no continent or metro code)
 * for the IPv4 or IPv6 address in the field, from the geo database shipped with Vigil (DB-IP Lite,
 * see docs/siem.md). Results without an address, or with one the database does not know, get none
 * of these fields.
 */
export const iplocation = command<{ field: string; prefix: string; allFields: boolean; span: Span }>({
  name: 'iplocation',
  summary: 'geolocate an IP field: iplocation [prefix=] [allfields=t] clientip',
  mode: 'search',
  parse(reader) {
    const keys = ['prefix', 'allfields', 'lang'];
    const options = reader.options(keys);
    const field = reader.name('an IP address field');
    reader.optionsInto(keys, options);
    reader.rejectRest();
    const lang = options['lang'];
    if (lang !== undefined && !/^en/i.test(lang.value)) throw reader.error('spl.unsupported', `iplocation lang=${lang.value} is not supported (names are in English)`, spanOf(lang));
    const prefix = options['prefix']?.value ?? '';
    rejectReserved(prefix === '' ? undefined : prefix, spanOf(field));
    return { field: field.value, prefix, allFields: booleanOption(reader, 'allfields', options['allfields'], false), span: spanOf(field) };
  },
  plan({ field, prefix, allFields, span }, rel, ctx) {
    const value = rel.ref(field, span);
    if (value.kind === 'null') return;
    const ip = `trim(${value.kind === 'mv' ? `(${value.sql})[1]` : asStr(value)})`;
    const wanted = FIELDS.filter(([, , extra]) => allFields || !extra);
    const sql = rel.render((cur) => `SELECT DISTINCT ${ip} AS ip FROM ${cur} WHERE ${ip} IS NOT NULL LIMIT ${IPLOCATION_MAX_ADDRESSES + 1}`);
    const table = fact(
      ctx.facts,
      `iplocation:${rel.current}:${field}`,
      async (db) => {
        const addresses = (await db.query(sql)).map((r) => String(r['ip']));
        if (addresses.length > IPLOCATION_MAX_ADDRESSES) throw new VigilError('spl.too_many_values', `iplocation looks up at most ${IPLOCATION_MAX_ADDRESSES} distinct addresses; ${field} has more here`, { span, hint: 'narrow the search, or dedup/stats by the address first' });
        const rows: unknown[][] = [];
        for (const address of addresses) {
          const found = locate(address);
          if (found !== undefined) rows.push([address, found.City, found.Country, found.Region, found.lat, found.lon, found.Timezone]);
        }
        return db.table(
          [
            { name: 'ip', type: 'VARCHAR' },
            { name: 'City', type: 'VARCHAR' },
            { name: 'Country', type: 'VARCHAR' },
            { name: 'Region', type: 'VARCHAR' },
            { name: 'lat', type: 'DOUBLE' },
            { name: 'lon', type: 'DOUBLE' },
            { name: 'Timezone', type: 'VARCHAR' },
          ],
          rows,
        );
      },
      '(SELECT NULL::VARCHAR AS ip, NULL::VARCHAR AS "City", NULL::VARCHAR AS "Country", NULL::VARCHAR AS "Region", NULL::DOUBLE AS lat, NULL::DOUBLE AS lon, NULL::VARCHAR AS "Timezone" LIMIT 0)',
    );
    rel.push((src) => `SELECT *, ${ip} AS "__geoip" FROM ${src}`);
    rel.push((src) => `SELECT s.*, ${wanted.map(([name]) => `g.${quoteIdent(name)} AS ${quoteIdent(`__geo${name}`)}`).join(', ')} FROM ${src} s LEFT JOIN ${table} g ON g.ip = s."__geoip"`);
    for (const [name, kind] of wanted) rel.columns.set(`__geo${name}`, kind);
    rel.columns.set('__geoip', 'str');
    setColumns(rel, wanted.map(([name, kind]) => ({ name: `${prefix}${name}`, sql: quoteIdent(`__geo${name}`), kind })), ['__geoip', ...wanted.map(([name]) => `__geo${name}`)]);
    for (const c of ['__geoip', ...wanted.map(([name]) => `__geo${name}`)]) rel.columns.delete(c);
  },
});
