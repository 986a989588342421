/** The SPL syntax tree: plain data, printable with JSON.stringify (`--explain`). */

export interface Span {
  readonly offset: number;
  readonly length: number;
}

/** Base-search / `search` expression (precedence: parentheses > NOT > OR > AND). */
export type SearchExpr =
  | { readonly kind: 'and'; readonly items: readonly SearchExpr[] }
  | { readonly kind: 'or'; readonly items: readonly SearchExpr[] }
  | { readonly kind: 'not'; readonly expr: SearchExpr }
  | { readonly kind: 'term'; readonly value: string; readonly phrase: boolean; readonly mode: 'default' | 'case' | 'term'; readonly span: Span }
  | { readonly kind: 'compare'; readonly field: string; readonly op: CompareOp; readonly value: string; readonly span: Span }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly string[]; readonly span: Span }
  | { readonly kind: 'indexed'; readonly field: string; readonly value: string; readonly span: Span }
  | { readonly kind: 'time'; readonly bound: 'earliest' | 'latest'; readonly value: string; readonly span: Span }
  | { readonly kind: 'true' };

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** Eval / where expression (precedence: OR < XOR < AND < NOT < comparison < + - . < * / % < unary). */
export type EvalExpr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'field'; readonly name: string; readonly span: Span }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly EvalExpr[]; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: string; readonly left: EvalExpr; readonly right: EvalExpr; readonly span: Span }
  | { readonly kind: 'unary'; readonly op: '-' | 'NOT'; readonly expr: EvalExpr; readonly span: Span };

/** An aggregation call in stats/chart/timechart: `max(value.count) AS tcp_count`. */
export interface Aggregation {
  readonly fn: string;
  /** The function as written when it is an alias (`p`, `distinct_count`, `c`): the default output name uses it. */
  readonly written?: string;
  /** Percentile for perc<N>/p<N>. */
  readonly param?: number;
  readonly field: string | undefined;
  readonly as: string | undefined;
  readonly span: Span;
}

/** One pipeline stage: the command name, where it sits, and its parsed arguments. */
export interface CommandNode {
  readonly command: string;
  readonly span: Span;
  readonly args: unknown;
}

export interface Pipeline {
  readonly commands: readonly CommandNode[];
}
