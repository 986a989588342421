import { VigilError } from '../../../core/index.js';
import { expandFieldPatterns } from '../field-discovery.js';
import { keepOrder, quoteIdent, wildcardMatch } from '../relation.js';
import { command } from './command.js';

/** `rename a AS b, c* AS d*`: wildcards carry the matched part; an existing target is overwritten. */
export const rename = command<Array<{ from: string; to: string }>>({
  name: 'rename',
  summary: 'rename fields: rename a AS b, *_ip AS ip_*',
  mode: 'search',
  parse(reader) {
    const out: Array<{ from: string; to: string }> = [];
    while (!reader.atEnd()) {
      if (reader.isType('comma')) {
        reader.next();
        continue;
      }
      const from = reader.name('a field to rename').value;
      if (!reader.isWord('as')) throw reader.error('spl.unexpected_token', 'expected AS', reader.peek() === undefined ? reader.endSpan() : { offset: reader.peek()?.offset ?? 0, length: 1 }, 'rename a AS b');
      reader.next();
      out.push({ from, to: reader.name('a new name').value });
    }
    if (out.length === 0) throw reader.error('spl.missing_argument', 'rename needs a AS b', reader.endSpan());
    return out;
  },
  plan(pairs, rel, ctx) {
    for (const { from, to } of pairs) {
      const moves: Array<[string, string]> = [];
      if (from.includes('*')) {
        const re = new RegExp(`^${from.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.*)')}$`);
        for (const c of expandFieldPatterns(rel, ctx, [from])) {
          const m = re.exec(c);
          if (m === null) continue;
          let i = 1;
          moves.push([c, to.replace(/\*/g, () => m[i++] ?? '')]);
        }
      } else moves.push([from, to]);
      for (const [a, b] of moves) {
        if (a === b) continue;
        if (wildcardMatch(b, '__')) throw new VigilError('spl.invalid_field', 'reserved name');
        const value = rel.ref(a);
        if (value.kind === 'null') continue;
        const remaining = new Set([...rel.columns.keys()].filter((c) => c !== a && c !== b));
        keepOrder(rel, new Set([...remaining, b]));
        const exclude = [a, b].filter((c) => rel.columns.has(c));
        rel.push((src) => `SELECT ${exclude.length > 0 ? `* EXCLUDE (${exclude.map(quoteIdent).join(', ')})` : '*'}, ${value.sql} AS ${quoteIdent(b)} FROM ${src}`, [b]);
        rel.columns.delete(a);
        rel.columns.delete(b);
        rel.columns.set(b, value.kind);
        rel.dropped.add(a);
        rel.dropped.delete(b);
      }
    }
  },
});
