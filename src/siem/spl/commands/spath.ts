import { VigilError } from '../../../core/index.js';
import { asStr, jsonPath, quoteIdent, quoteString, setColumns } from '../relation.js';
import { command } from './command.js';

interface SpathArgs {
  readonly input: string;
  readonly output: string | undefined;
  readonly path: string | undefined;
}

/**
 * `spath [input=f] [output=f] [path=p | p]` (spec C.3). Paths use C.1 naming: `a.b`, `arr{}` (all
 * elements, a multivalue), `arr{N}` (1-based element N). Objects and arrays come back as JSON text.
 */
export const spath = command<SpathArgs>({
  name: 'spath',
  summary: 'extract JSON fields: spath [input=f] [output=f] [path=]a.b{}',
  mode: 'search',
  parse(reader) {
    let input = '_raw';
    let output: string | undefined;
    let path: string | undefined;
    while (!reader.atEnd()) {
      const options = reader.options(['input', 'output', 'path']);
      if (options['input'] !== undefined) input = options['input'].value;
      if (options['output'] !== undefined) output = options['output'].value;
      if (options['path'] !== undefined) path = options['path'].value;
      if (Object.keys(options).length === 0) {
        const token = reader.name('a path');
        if (path !== undefined) throw reader.error('spl.unexpected_token', 'spath takes one path', { offset: token.offset, length: token.length });
        path = token.value;
      }
    }
    return { input, output, path };
  },
  plan({ input, output, path }, rel) {
    const source = rel.ref(input);
    if (path === undefined) {
      if (output !== undefined) throw new VigilError('spl.missing_argument', 'spath output= needs a path');
      // Auto-extraction: events extract from _raw already; another input joins the lookup chain.
      if (input !== '_raw') rel.jsonInputs.push(asStr(source));
      return;
    }
    const { path: jp, multi } = jsonPath(path);
    const text = asStr(source);
    if (source.kind === 'null') {
      setColumns(rel, [{ name: output ?? path, sql: multi ? 'CAST(NULL AS VARCHAR[])' : 'CAST(NULL AS VARCHAR)', kind: multi ? 'mv' : 'str' }]);
      return;
    }
    const guard = input === '_raw' && rel.columns.has('__json') ? rel.jsonGuard() : `coalesce(json_valid(${text}), false)`;
    const sql = `CASE WHEN ${guard} THEN ${rel.jsonString(text, quoteString(jp))} END`;
    const name = output ?? path;
    if (rel.columns.has(name)) rel.push((src) => `SELECT * REPLACE (${sql} AS ${quoteIdent(name)}) FROM ${src}`, [name]);
    else rel.push((src) => `SELECT *, ${sql} AS ${quoteIdent(name)} FROM ${src}`, [name]);
    rel.columns.set(name, multi ? 'mv' : 'str');
    rel.dropped.delete(name);
    if (input === '_raw') rel.rawDerived.add(name);
    else rel.rawDerived.delete(name);
  },
});
