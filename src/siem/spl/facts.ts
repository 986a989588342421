/**
 * Facts: what planning needs to know about the data itself (the time extent a default span is cut
 * from, the fields events carry for `table *`, the rows a `map` runs over, a result that must be
 * reshaped in JavaScript before later commands read it). Planning is synchronous: a command that
 * needs a fact it does not have stops the compile with `MissingFact`, the executor resolves it on
 * the search's own connection and compiles again. Keys are made of plan-step names, so the same
 * query asks for the same facts in the same order.
 */

import type { Span } from './ast.js';

export type FactRow = Readonly<Record<string, unknown>>;

/** What a fact resolver may do on the search's connection. */
export interface FactDb {
  /** Runs a query (cancellable with the search). */
  query(sql: string): Promise<FactRow[]>;
  /** Creates a temporary table holding `rows` (VARCHAR, DOUBLE or VARCHAR[] columns) and returns its name. */
  table(columns: ReadonlyArray<{ readonly name: string; readonly type: 'VARCHAR' | 'DOUBLE' | 'VARCHAR[]' }>, rows: ReadonlyArray<ReadonlyArray<unknown>>): Promise<string>;
  /** Stores a query's result in a temporary table and returns the table's name. */
  materialize(sql: string): Promise<string>;
  /** Stores rows as a lookup (outputlookup): created or replaced as an upload of that CSV would be. */
  writeLookup(name: string, columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): Promise<void>;
  /** Adds a note to the search's messages (e.g. a result cut at a limit). */
  note(type: 'INFO' | 'WARN', text: string): void;
}

export interface FactRequest {
  readonly key: string;
  resolve(db: FactDb): Promise<unknown>;
}

/** Thrown by planning when a fact is missing; the executor resolves it and compiles again. */
export class MissingFact extends Error {
  /** Regular expressions planned before the fact was needed: checked before the fact's query runs. */
  regexes: ReadonlyArray<{ readonly pattern: string; readonly span: Span | undefined }> = [];

  constructor(readonly request: FactRequest) {
    super(`planning needs the fact ${request.key}`);
  }
}

/** The facts a compile may read (filled by the executor between compiles). */
export type Facts = ReadonlyMap<string, unknown>;

/**
 * The value of a fact, or a MissingFact thrown to have it resolved. Without facts (a compile-only
 * check: `--explain`, the CLI's pre-check) the `fallback` stands in, so syntax and plans still check.
 */
export function fact<T>(facts: Facts | undefined, key: string, resolve: (db: FactDb) => Promise<T>, fallback: T): T {
  if (facts === undefined) return fallback;
  if (facts.has(key)) return facts.get(key) as T;
  throw new MissingFact({ key, resolve });
}

/** A query's rows as a fact (no rows in a compile-only check). */
export function rowsFact(facts: Facts | undefined, key: string, sql: string): FactRow[] {
  return fact(facts, key, (db) => db.query(sql), []);
}
