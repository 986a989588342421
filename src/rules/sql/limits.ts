/** Bounds on one rule SQL statement (or substitution template), checked while it is parsed. */
export interface SqlLimits {
  /** Longest statement in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Deepest syntactic nesting; also bounds the evaluator's recursion. */
  readonly maxDepth: number;
  /** Most AST nodes. */
  readonly maxTerms: number;
}

export const DEFAULT_SQL_LIMITS: SqlLimits = Object.freeze({ maxBytes: 262_144, maxDepth: 64, maxTerms: 2000 });

/** The config keys that set each limit, named in the errors so an operator knows what to change. */
export const SQL_LIMIT_KEYS = { maxBytes: 'rules.max_sql_bytes', maxDepth: 'rules.max_sql_depth', maxTerms: 'rules.max_sql_terms' } as const;
