import type { EvalExpr } from '../ast.js';
import { asBool, evalToSql } from '../eval-sql.js';
import { parseEvalExpr } from '../parser.js';
import { command } from './command.js';
import { chainOperands } from '../limits.js';
import { materializeRepeated } from '../relation.js';

const NUMERIC = /^\s*[-+.\d]/;

function conjuncts(expr: EvalExpr): EvalExpr[] {
  return expr.kind === 'binary' && expr.op === 'AND' ? chainOperands(expr) : [expr];
}

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
    materializeRepeated(rel, [expr]);
    const condition = asBool(evalToSql(expr, { rel, ctx }), expr);
    const prefilters = conjuncts(expr).flatMap((c) => {
      if (c.kind !== 'binary' || (c.op !== '=' && c.op !== '==')) return [];
      const [field, literal] = c.left.kind === 'field' ? [c.left, c.right] : [c.right, c.left];
      if (field.kind !== 'field' || literal.kind !== 'str' || NUMERIC.test(literal.value)) return [];
      return rel.rawPrefilter(field.name, literal.value) ?? [];
    });
    rel.push((src) => `SELECT * FROM ${src} WHERE ${[...prefilters, `coalesce(${condition}, false)`].join(' AND ')}`);
  },
});
