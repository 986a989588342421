import { VigilError } from '../../core/index.js';
import type { EvalExpr } from './ast.js';
import { compare } from './eval-compare.js';
import type { LambdaScope } from './eval-function.js';
import { EVAL_FUNCTIONS } from './eval-functions.js';
import { numberLiteral } from './eval-number.js';
import { chainOperands } from './limits.js';
import { asBool, asNum, asStr, quoteString, type EvalScope, type Typed } from './relation.js';

export { asBool, type EvalScope };

const NUMERIC_LITERAL = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;

/**
 * Compiles an eval/where expression (spec C.5): numbers in strings count as numbers, comparisons are
 * numeric when both sides are numeric and case-sensitive otherwise, null propagates through
 * arithmetic and makes comparisons false, a multivalue compares true when any value matches.
 */
export function evalToSql(expr: EvalExpr, scope: EvalScope): Typed {
  switch (expr.kind) {
    case 'num':
      return { sql: numberLiteral(expr.value), kind: 'num' };
    case 'str':
      return { sql: quoteString(expr.value), kind: 'str' };
    case 'field':
      // Inside mvfilter/mvmap the iterated field is the lambda variable.
      return (scope as LambdaScope).bindings?.get(expr.name) ?? scope.rel.ref(expr.name, expr.span);
    case 'unary': {
      const inner = evalToSql(expr.expr, scope);
      if (expr.op === '-') return { sql: `(- ${asNum(inner)})`, kind: 'num' };
      return { sql: `(NOT ${asBool(inner, expr)})`, kind: 'bool' };
    }
    case 'call': {
      const fn = EVAL_FUNCTIONS[expr.name];
      if (fn === undefined) {
        throw new VigilError('spl.unknown_function', `unknown eval function '${expr.name}'`, { span: expr.span, hint: `supported: ${Object.keys(EVAL_FUNCTIONS).sort().join(', ')}` });
      }
      if (expr.args.length < fn.min || expr.args.length > fn.max) {
        throw new VigilError('spl.invalid_argument', `${expr.name}() takes ${fn.min === fn.max ? fn.min : `${fn.min} to ${fn.max === Infinity ? 'any number of' : fn.max}`} arguments, got ${expr.args.length}`, { span: expr.span });
      }
      return fn.compile(expr.args, { ...scope, compile: evalToSql }, expr);
    }
    case 'binary':
      return binary(expr, scope);
  }
}


function isNumericLiteral(expr: EvalExpr): boolean {
  return expr.kind === 'num' || (expr.kind === 'str' && NUMERIC_LITERAL.test(expr.value));
}

function binary(expr: Extract<EvalExpr, { kind: 'binary' }>, scope: EvalScope): Typed {
  if (expr.op === 'AND' || expr.op === 'OR') {
    // A chain (a OR b OR c …) compiles flat: no recursion along it, and flat SQL.
    const items = chainOperands(expr).map((item) => asBool(evalToSql(item, scope), item));
    return { sql: `(${items.join(` ${expr.op} `)})`, kind: 'bool' };
  }
  const left = evalToSql(expr.left, scope);
  const right = evalToSql(expr.right, scope);
  switch (expr.op) {
    case 'XOR':
      return { sql: `(${asBool(left, expr.left)} <> ${asBool(right, expr.right)})`, kind: 'bool' };
    case '.':
      return { sql: `(${asStr(left)} || ${asStr(right)})`, kind: 'str' };
    case '+':
      // `+` concatenates when an operand is a non-numeric string literal.
      if ((expr.left.kind === 'str' && !isNumericLiteral(expr.left)) || (expr.right.kind === 'str' && !isNumericLiteral(expr.right))) {
        return { sql: `(${asStr(left)} || ${asStr(right)})`, kind: 'str' };
      }
      return { sql: `(${asNum(left)} + ${asNum(right)})`, kind: 'num' };
    case '-':
    case '*':
      return { sql: `(${asNum(left)} ${expr.op} ${asNum(right)})`, kind: 'num' };
    case '/':
      return { sql: `(${asNum(left)} / nullif(${asNum(right)}, 0))`, kind: 'num' };
    case '%':
      return { sql: `fmod(${asNum(left)}, nullif(${asNum(right)}, 0))`, kind: 'num' };
    case 'LIKE':
      return { sql: `(${asStr(left)} LIKE ${asStr(right)})`, kind: 'bool' };
    default:
      return { sql: compare(left, expr.op, right, isNumericLiteral(expr.left), isNumericLiteral(expr.right)), kind: 'bool' };
  }
}

export { compare };
