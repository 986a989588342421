import { VigilError } from '../../../core/index.js';
import type { EvalExpr } from '../ast.js';
import { evalToSql } from '../eval-sql.js';
import { parseEvalExpr } from '../parser.js';
import { materializeRepeated, rejectReserved, setColumns } from '../relation.js';
import { command } from './command.js';

interface Assignment {
  readonly field: string;
  readonly expr: EvalExpr;
}

/** `eval f=<expr>[, g=<expr>]`: assignments run left to right; later ones see earlier results. */
export const evalCommand = command<Assignment[]>({
  name: 'eval',
  summary: 'compute fields: eval f=expr, g=expr',
  mode: 'eval',
  parse(reader) {
    const out: Assignment[] = [];
    while (!reader.atEnd()) {
      const field = reader.name('a field name to assign');
      reader.expect('op', "'='", '=');
      out.push({ field: field.value, expr: parseEvalExpr(reader) });
      if (reader.isType('comma')) reader.next();
      else reader.rejectRest();
    }
    if (out.length === 0) throw reader.error('spl.missing_argument', 'eval needs an assignment: eval f=expr', reader.endSpan());
    return out;
  },
  plan(assignments, rel, ctx) {
    materializeRepeated(rel, assignments.map((a) => a.expr));
    for (const { field, expr } of assignments) {
      rejectReserved(field);
      const value = evalToSql(expr, { rel, ctx });
      if (value.kind === 'bool') {
        throw new VigilError('spl.type_error', `eval cannot assign a boolean to ${field}`, { ...('span' in expr ? { span: expr.span } : {}), hint: `use if(): eval ${field}=if(<condition>, "yes", "no")` });
      }
      const kind = value.kind === 'null' ? 'str' : value.kind;
      const sql = value.kind === 'null' ? 'CAST(NULL AS VARCHAR)' : value.sql;
      setColumns(rel, [{ name: field, sql, kind }]);
    }
  },
});
