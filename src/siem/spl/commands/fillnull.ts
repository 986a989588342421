import { DEFAULT_EVENT_FIELDS, INTERNAL_PREFIX, asStr, quoteIdent, quoteString, type Kind, type Typed } from '../relation.js';
import { spanOf } from '../lexer.js';
import { command } from './command.js';
import { keepOrderWhenChanging } from './order-guard.js';

interface FillnullArgs {
  readonly value: string;
  readonly fields: readonly string[];
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function filled(value: Typed, fill: string): { sql: string; kind: Kind } {
  switch (value.kind) {
    case 'null':
      return { sql: quoteString(fill), kind: 'str' };
    case 'mv':
      return { sql: `coalesce(nullif(${value.sql}, CAST([] AS VARCHAR[])), [${quoteString(fill)}])`, kind: 'mv' };
    case 'num':
      if (NUMBER.test(fill)) return { sql: `coalesce(${value.sql}, ${Number(fill)})`, kind: 'num' };
      return { sql: `coalesce(${asStr(value)}, ${quoteString(fill)})`, kind: 'str' };
    default:
      return { sql: `coalesce(${value.sql}, ${quoteString(fill)})`, kind: 'str' };
  }
}

/**
 * `fillnull [value=0] [f1 f2…]`: missing values become `value`. Listed fields are created where
 * absent; with no list, every field present in the results is filled (for events: the fields the
 * search output shows, i.e. default fields, computed fields and the fields the search referenced).
 */
export const fillnull = command<FillnullArgs>({
  name: 'fillnull',
  summary: 'replace missing values: fillnull [value=0] [f1 f2]',
  mode: 'search',
  parse(reader) {
    let value = '0';
    const fields: string[] = [];
    while (!reader.atEnd()) {
      const option = reader.options(['value']);
      if (option['value'] !== undefined) {
        value = option['value'].value;
        continue;
      }
      if (reader.isType('comma')) {
        reader.next();
        continue;
      }
      const name = reader.name('a field name');
      if (name.type === 'word' && reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown fillnull option '${name.value}'`, spanOf(name), 'fillnull [value=<v>] [field ...]');
      if (name.value.startsWith(INTERNAL_PREFIX)) throw reader.error('spl.invalid_field', `field names starting with ${INTERNAL_PREFIX} are reserved`, spanOf(name));
      fields.push(name.value);
    }
    return { value, fields };
  },
  plan({ value, fields }, rel) {
    let names = fields;
    if (names.length === 0) {
      const shown = rel.eventMode ? [...DEFAULT_EVENT_FIELDS, ...rel.visibleColumns(), ...rel.referenced] : rel.visibleColumns();
      names = [...new Set(shown)].filter((n) => !n.startsWith(INTERNAL_PREFIX) && !rel.dropped.has(n) && n !== 'splunk_server' && n !== 'linecount');
    }
    const targets = new Set(names);
    keepOrderWhenChanging(rel, targets);
    const replace: string[] = [];
    const added: string[] = [];
    for (const name of new Set(names)) {
      const next = filled(rel.ref(name), value);
      (rel.columns.has(name) ? replace : added).push(`${next.sql} AS ${quoteIdent(name)}`);
      rel.columns.set(name, next.kind);
      rel.dropped.delete(name);
    }
    rel.push(`SELECT *${replace.length > 0 ? ` REPLACE (${replace.join(', ')})` : ''}${added.map((a) => `, ${a}`).join('')} FROM {src}`);
  },
});
