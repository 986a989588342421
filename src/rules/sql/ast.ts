/** A value the rule SQL works with: any JSON value, or `undefined` (AWS IoT SQL's Undefined). */
export type SqlValue = null | boolean | number | string | SqlValue[] | { [key: string]: SqlValue } | undefined;

export type PathStep = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'index'; readonly index: Expr };

export type BinaryOp = 'AND' | 'OR' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export type Expr =
  | { readonly kind: 'literal'; readonly value: SqlValue }
  | { readonly kind: 'path'; readonly root: string; readonly steps: readonly PathStep[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly steps: readonly PathStep[] }
  | { readonly kind: 'unary'; readonly op: '-' | 'NOT'; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'is'; readonly operand: Expr; readonly test: 'NULL' | 'UNDEFINED'; readonly negated: boolean }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, Expr]> }
  | { readonly kind: 'array'; readonly items: readonly Expr[] };

export type SelectItem = { readonly kind: 'star' } | { readonly kind: 'expr'; readonly expr: Expr; readonly name: readonly string[] };

/** A parsed rule statement: `SELECT items FROM 'filter' [WHERE condition]`. */
export interface RuleStatement {
  readonly select: readonly SelectItem[];
  readonly from: string;
  readonly where: Expr | undefined;
}
