import type { EvalExpr } from '../ast.js';
import { asBool, evalToSql } from '../eval-sql.js';
import { parseEvalExpr } from '../parser.js';
import { command } from './command.js';

/** `where <eval-expr>`: keeps rows where the expression is true (null drops the row). */
export const where = command<EvalExpr>({
  name: 'where',
  summary: 'keep rows where an eval expression is true',
  mode: 'eval',
  parse(reader) {
    const expr = parseEvalExpr(reader);
    reader.rejectRest();
    return expr;
  },
  plan(expr, rel, ctx) {
    const condition = asBool(evalToSql(expr, { rel, ctx }), expr);
    rel.push(`SELECT * FROM {src} WHERE coalesce(${condition}, false)`);
  },
});
