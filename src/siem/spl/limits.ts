import { VigilError } from '../../core/index.js';
import type { EvalExpr, Pipeline } from './ast.js';

/** Budgets one query must fit before it is planned (config `siem.search.*`). */
export interface SearchLimits {
  readonly maxQueryBytes: number;
  /** Nesting of ( [ in the text, and of operators in one eval/where expression. */
  readonly maxDepth: number;
  /** Search terms, comparisons and eval operands in the whole query. */
  readonly maxTerms: number;
}

export const DEFAULT_LIMITS: SearchLimits = { maxQueryBytes: 1024 * 1024, maxDepth: 100, maxTerms: 10_000 };

/**
 * Checks the query text before it is parsed: its size and how deep parentheses and brackets nest
 * (outside quotes), so the recursive parser never runs out of stack. The error points at the first
 * byte past the limit.
 */
export function checkQueryText(query: string, limits: SearchLimits): void {
  const bytes = Buffer.byteLength(query, 'utf8');
  if (bytes > limits.maxQueryBytes) {
    throw new VigilError('spl.query_too_long', `the query is ${bytes} bytes; the limit is ${limits.maxQueryBytes} (siem.search.max_query_bytes)`, {
      span: { offset: Math.min(query.length, limits.maxQueryBytes), length: 1 },
      hint: 'shorten the query: move long value lists into a lookup (| lookup, or a subsearch over | inputlookup)',
    });
  }
  let depth = 0;
  let quote = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '(' || c === '[') {
      depth++;
      if (depth > limits.maxDepth) {
        throw new VigilError('spl.too_deep', `parentheses and brackets nest more than ${limits.maxDepth} deep here (siem.search.max_depth)`, { span: { offset: i, length: 1 }, hint: 'flatten the expression: a OR b OR c needs no parentheses' });
      }
    } else if ((c === ')' || c === ']') && depth > 0) depth--;
  }
}

const LEAVES = new Set(['term', 'compare', 'indexed', 'num', 'str', 'field']);

/** Counts the terms of a parsed query (search terms, comparisons, `IN` values, eval operands) without recursion. */
export function countTerms(pipeline: Pipeline): number {
  let count = 0;
  const stack: unknown[] = pipeline.commands.map((c) => c.args);
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    const record = node as Record<string, unknown>;
    const kind = record['kind'];
    if (typeof kind === 'string' && LEAVES.has(kind)) count++;
    if (kind === 'in' && Array.isArray(record['values'])) count += (record['values'] as unknown[]).length;
    for (const [key, value] of Object.entries(record)) if (key !== 'span' && typeof value === 'object') stack.push(value);
  }
  return count;
}

export function checkTerms(pipeline: Pipeline, limits: SearchLimits): void {
  const terms = countTerms(pipeline);
  if (terms > limits.maxTerms) {
    throw new VigilError('spl.too_many_terms', `the query has ${terms} search terms and operands; the limit is ${limits.maxTerms} (siem.search.max_terms)`, {
      span: { offset: 0, length: 0 },
      hint: 'put long value lists in a lookup and match them with | lookup, or with a subsearch over | inputlookup',
    });
  }
}

/** The operands of a chain of one associative operator (`a OR b OR c`), left to right, without recursion. */
export function chainOperands(expr: Extract<EvalExpr, { kind: 'binary' }>): EvalExpr[] {
  const out: EvalExpr[] = [];
  let node: EvalExpr = expr;
  while (node.kind === 'binary' && node.op === expr.op) {
    out.push(node.right);
    node = node.left;
  }
  out.push(node);
  return out.reverse();
}

const FLAT_OPS = new Set(['AND', 'OR']);

/** How deep an eval expression nests (AND/OR chains count once); iterative. */
export function exprDepth(root: EvalExpr): number {
  let max = 0;
  const stack: Array<[EvalExpr, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [EvalExpr, number];
    if (depth > max) max = depth;
    switch (node.kind) {
      case 'binary':
        if (FLAT_OPS.has(node.op)) for (const item of chainOperands(node)) stack.push([item, depth + 1]);
        else stack.push([node.left, depth + 1], [node.right, depth + 1]);
        break;
      case 'unary':
        stack.push([node.expr, depth + 1]);
        break;
      case 'call':
        for (const a of node.args) stack.push([a, depth + 1]);
        break;
      default:
        break;
    }
  }
  return max;
}

/** How often each field is named in an expression (iterative). */
export function fieldUses(root: EvalExpr): Map<string, number> {
  const uses = new Map<string, number>();
  const stack: EvalExpr[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as EvalExpr;
    if (node.kind === 'field') uses.set(node.name, (uses.get(node.name) ?? 0) + 1);
    else if (node.kind === 'binary') stack.push(node.left, node.right);
    else if (node.kind === 'unary') stack.push(node.expr);
    else if (node.kind === 'call') stack.push(...node.args);
  }
  return uses;
}
