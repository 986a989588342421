import { jsonDepth } from '../../core/index.js';
import type { BinaryOp, Expr, PathStep, RuleStatement, SqlValue } from './ast.js';
import { FUNCTIONS, isObject, type SqlContext } from './functions.js';

/** What a rule hands its actions: a JSON value, or the raw payload when `SELECT *` met a non-JSON message. */
export type RuleOutput = { readonly kind: 'json'; readonly value: SqlValue; readonly source?: Uint8Array } | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

/** The parsed payload: a JSON value, or `undefined` for a payload that is not JSON. */
export type ParsedPayload = { readonly json: SqlValue; readonly isJson: boolean; readonly tooDeep?: boolean };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Default of `rules.max_payload_depth`. */
export const MAX_PAYLOAD_DEPTH = 512;

/**
 * Parses a message as JSON. A payload that is not UTF-8 JSON, or nests deeper than `maxDepth`, is
 * "not JSON": its fields are Undefined and `SELECT *` passes its bytes (so a hostile message cannot
 * make JSON work on it recurse past the stack).
 */
export function parsePayload(payload: Uint8Array, maxDepth = MAX_PAYLOAD_DEPTH): ParsedPayload {
  try {
    const text = decoder.decode(payload);
    if (jsonDepth(text, maxDepth) > maxDepth) return { json: undefined, isJson: false, tooDeep: true };
    return { json: JSON.parse(text) as SqlValue, isJson: true };
  } catch {
    return { json: undefined, isJson: false };
  }
}

/**
 * Evaluates a statement against one message: `undefined` when WHERE is not true. Fields whose value
 * is Undefined are left out of the output, as AWS IoT does.
 */
export function evaluateRule(statement: RuleStatement, payload: Uint8Array, parsed: ParsedPayload, context: SqlContext): RuleOutput | undefined {
  const scope = parsed.json;
  if (statement.where !== undefined && evaluate(statement.where, scope, context) !== true) return undefined;
  const first = statement.select[0];
  if (statement.select.length === 1 && first?.kind === 'star') {
    // `source`: the payload's own bytes, so actions need not re-serialize an unchanged message.
    return parsed.isJson ? { kind: 'json', value: scope, source: payload } : { kind: 'bytes', bytes: payload };
  }
  const out: { [key: string]: SqlValue } = {};
  for (const item of statement.select) {
    if (item.kind === 'star') {
      if (isObject(scope)) Object.assign(out, scope);
      continue;
    }
    const value = evaluate(item.expr, scope, context);
    if (value === undefined) continue;
    assignPath(out, item.name, value);
  }
  return { kind: 'json', value: out };
}

/** Evaluates one expression (also used by `${…}` substitution templates). */
export function evaluate(expr: Expr, scope: SqlValue, context: SqlContext): SqlValue {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return walk(isObject(scope) ? scope[expr.root] : undefined, expr.steps, scope, context);
    case 'call': {
      const spec = FUNCTIONS[expr.name];
      if (spec === undefined) return undefined;
      return walk(spec.call(expr.args.map((a) => evaluate(a, scope, context)), context), expr.steps, scope, context);
    }
    case 'unary': {
      const value = evaluate(expr.operand, scope, context);
      if (expr.op === 'NOT') return typeof value === 'boolean' ? !value : undefined;
      return typeof value === 'number' ? -value : undefined;
    }
    case 'is': {
      const value = evaluate(expr.operand, scope, context);
      const holds = expr.test === 'NULL' ? value === null : value === undefined;
      return expr.negated ? !holds : holds;
    }
    case 'object': {
      const out: { [key: string]: SqlValue } = {};
      for (const [key, item] of expr.entries) {
        const value = evaluate(item, scope, context);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'array':
      return expr.items.map((item) => evaluate(item, scope, context)).map((v) => (v === undefined ? null : v));
    case 'binary':
      return binaryChain(expr, scope, context);
  }
}

/**
 * `a OR b OR c …` parses as a left-deep tree as tall as the chain is long: evaluate its left spine
 * with a loop, so that recursion depth follows the statement's nesting (bounded at parse), not its
 * length.
 */
function binaryChain(root: Expr & { kind: 'binary' }, scope: SqlValue, context: SqlContext): SqlValue {
  const spine: Array<Expr & { kind: 'binary' }> = [root];
  let leftmost: Expr = root.left;
  while (leftmost.kind === 'binary') {
    spine.push(leftmost);
    leftmost = leftmost.left;
  }
  let value = evaluate(leftmost, scope, context);
  for (let i = spine.length - 1; i >= 0; i--) {
    const node = spine[i] as Expr & { kind: 'binary' };
    value = binary(node.op, value, evaluate(node.right, scope, context));
  }
  return value;
}

function walk(start: SqlValue, steps: readonly PathStep[], scope: SqlValue, context: SqlContext): SqlValue {
  let value = start;
  for (const step of steps) {
    if (value === undefined) return undefined;
    if (step.kind === 'key') {
      value = isObject(value) && Object.hasOwn(value, step.key) ? value[step.key] : undefined;
      continue;
    }
    const index = evaluate(step.index, scope, context);
    if (Array.isArray(value) && typeof index === 'number' && Number.isInteger(index) && index >= 0) value = value[index];
    else if (isObject(value) && typeof index === 'string') value = Object.hasOwn(value, index) ? value[index] : undefined;
    else value = undefined;
  }
  return value;
}

function binary(op: BinaryOp, left: SqlValue, right: SqlValue): SqlValue {
  if (op === 'AND' || op === 'OR') {
    const l = typeof left === 'boolean' ? left : undefined;
    const r = typeof right === 'boolean' ? right : undefined;
    if (op === 'AND') return l === false || r === false ? false : l === true && r === true ? true : undefined;
    return l === true || r === true ? true : l === false && r === false ? false : undefined;
  }
  if (left === undefined || right === undefined) return undefined;
  switch (op) {
    case '=':
      return equal(left, right);
    case '<>':
      return !equal(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, left, right);
    default:
      return arithmetic(op, left, right);
  }
}

function equal(left: SqlValue, right: SqlValue): boolean {
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return left === right;
  return JSON.stringify(left) === JSON.stringify(right);
}

function compare(op: '<' | '<=' | '>' | '>=', left: SqlValue, right: SqlValue): SqlValue {
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return undefined;
  const l = left as number | string;
  const r = right as number | string;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
  }
}

/** AWS converts numeric strings in arithmetic; anything else makes the result Undefined. */
function toNumber(value: SqlValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', left: SqlValue, right: SqlValue): SqlValue {
  const l = toNumber(left);
  const r = toNumber(right);
  if (l === undefined || r === undefined) return undefined;
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return r === 0 ? undefined : l / r;
    case '%':
      return r === 0 || !Number.isInteger(l) || !Number.isInteger(r) ? undefined : l % r;
  }
}

function assignPath(out: { [key: string]: SqlValue }, name: readonly string[], value: SqlValue): void {
  let target = out;
  for (let i = 0; i < name.length - 1; i++) {
    const key = name[i] as string;
    const next = target[key];
    if (isObject(next)) target = next;
    else {
      const created: { [key: string]: SqlValue } = {};
      target[key] = created;
      target = created;
    }
  }
  target[name[name.length - 1] as string] = value;
}
