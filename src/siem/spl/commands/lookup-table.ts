import { VigilError } from '../../../core/index.js';
import { LOOKUP_NAME, LOOKUP_NAME_HINT, lookupTableSql, type LookupCatalog, type LookupTable } from '../../lookups/catalog.js';
import type { Span } from '../ast.js';
import type { PlanContext } from '../relation.js';

/** The plan context plus the lookups the executor read before compiling (CompileOptions.lookups). */
export interface LookupPlanContext extends PlanContext {
  /** Undefined in a compile-only check (CLI pre-check, `--explain`): lookups are then not resolved. */
  readonly lookups: LookupCatalog | undefined;
}

/**
 * Finds a lookup by name (`users.csv` also finds `users`, and the reverse), or fails listing the ones
 * there are. In a compile-only check (no catalog) it stands in a table with just the `columns` the
 * query names, so syntax is checked without the store.
 */
export function resolveLookup(ctx: PlanContext, name: string, span: Span, columns: readonly string[] = []): LookupTable {
  if (!LOOKUP_NAME.test(name)) throw new VigilError('spl.invalid_lookup_name', `invalid lookup name '${name}'`, { span, hint: `a lookup is named, not a file path: ${LOOKUP_NAME_HINT}` });
  const catalog = (ctx as Partial<LookupPlanContext>).lookups;
  if (catalog === undefined) return { name, sql: lookupTableSql(name), columns: [...new Set(columns)], unique: [] };
  const found = catalog.get(name) ?? (name.endsWith('.csv') ? catalog.get(name.slice(0, -4)) : catalog.get(`${name}.csv`));
  if (found !== undefined) return found;
  const names = [...catalog.keys()];
  throw new VigilError('spl.unknown_lookup', `unknown lookup '${name}'`, {
    span,
    hint: names.length === 0 ? 'no lookups are uploaded; add one with `vigil lookup upload NAME FILE.csv`' : `available lookups: ${names.join(', ')}`,
  });
}

/** Fails unless the lookup has the column. */
export function requireColumn(table: LookupTable, column: string, span: Span): void {
  if (!table.columns.includes(column)) {
    throw new VigilError('spl.invalid_argument', `lookup ${table.name} has no column '${column}'`, { span, hint: `its columns: ${table.columns.join(', ')}` });
  }
}

/** False in a compile-only check, where lookup tables are stand-ins. */
export function lookupsResolved(ctx: PlanContext): boolean {
  return (ctx as Partial<LookupPlanContext>).lookups !== undefined;
}
