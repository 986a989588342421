import { DEFAULT_EVENT_FIELDS, INTERNAL_PREFIX, asStr, quoteString, rejectReserved, setColumns, type Kind, type Typed } from '../relation.js';
import { spanOf, type Token } from '../lexer.js';
import { command } from './command.js';
import { NUMBER } from './option-values.js';

interface FillnullArgs {
  readonly value: string;
  readonly fields: readonly string[];
}

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
    const options: Record<string, Token> = {};
    const fields: string[] = [];
    while (!reader.atEnd()) {
      if (reader.optionsInto(['value'], options) || reader.skipComma()) continue;
      const name = reader.name('a field name');
      if (name.type === 'word' && reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown fillnull option '${name.value}'`, spanOf(name), 'fillnull [value=<v>] [field ...]');
      rejectReserved(name.value, spanOf(name));
      fields.push(name.value);
    }
    return { value: options['value']?.value ?? '0', fields };
  },
  plan({ value, fields }, rel) {
    let names = fields;
    if (names.length === 0) {
      const shown = rel.eventMode ? [...DEFAULT_EVENT_FIELDS, ...rel.visibleColumns(), ...rel.referenced] : rel.visibleColumns();
      names = [...new Set(shown)].filter((n) => !n.startsWith(INTERNAL_PREFIX) && !rel.dropped.has(n) && n !== 'splunk_server' && n !== 'linecount');
    }
    const targets = new Set(names);
    setColumns(rel, [...targets].map((name) => ({ name, ...filled(rel.ref(name), value) })));
  },
});
