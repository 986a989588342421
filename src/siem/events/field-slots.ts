import type { DuckDBConnection } from '@duckdb/node-api';

/** Stored columns that hold JSON fields extracted at ingest (DuckDB migration `008-siem-field-slots`). */
export const FIELD_SLOTS = 16;
export const SLOT_COLUMNS: readonly string[] = Array.from({ length: FIELD_SLOTS }, (_v, i) => `x${i}`);

/** Fields of one event worth a slot; more are left to search-time parsing. */
const MAX_LEAVES_PER_EVENT = 32;
const MAX_DEPTH = 3;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Ingest-time JSON field extraction. Slot k holds one JSON path (`$.a.b`, as `jsonPath` in the SPL
 * compiler writes it) and, for every stored event with `is_json`, the column `x<k>` holds exactly
 * `json_extract_string(raw, path)` computed by DuckDB (NULL where DuckDB cannot parse `raw`).
 * Searches reach it through the macro `spl_json_field(raw, x0…x15, path)`, which this class
 * rewrites whenever a slot is assigned: for an assigned path it is the column, for any other path
 * `json_extract_string(raw, path)`. So a search reads a short dictionary-compressed column instead
 * of parsing every `_raw`, with the same result by construction.
 *
 * Slots are assigned first come, first served, to scalar leaves (C.1 names of identifier keys, up
 * to 3 levels) seen in a sample of each commit; a new slot is backfilled over the stored events in
 * the same transaction, so the invariant holds for old rows too.
 */
export class FieldSlots {
  private readonly paths: string[] = [];
  private readonly known = new Set<string>();

  static async load(connection: DuckDBConnection): Promise<FieldSlots> {
    const slots = new FieldSlots();
    const reader = await connection.runAndReadAll('select slot, path from siem_field_slots order by slot');
    for (const row of reader.getRowObjects()) {
      slots.paths[Number(row['slot'])] = String(row['path']);
      slots.known.add(String(row['path']));
    }
    return slots;
  }

  get full(): boolean {
    return this.paths.length >= FIELD_SLOTS;
  }

  /** Paths of scalar leaves in `raw` (a JSON object) that have no slot yet. */
  discover(raw: string, into: Set<string>): void {
    if (this.full || raw.charCodeAt(0) !== 123 /* { */) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    let budget = MAX_LEAVES_PER_EVENT;
    const walk = (node: Record<string, unknown>, prefix: string, depth: number): void => {
      for (const [key, child] of Object.entries(node)) {
        if (budget <= 0) return;
        if (!IDENTIFIER.test(key)) continue;
        const path = `${prefix}.${key}`;
        if (typeof child === 'string' || typeof child === 'number' || typeof child === 'boolean') {
          budget -= 1;
          if (!this.known.has(path)) into.add(path);
        } else if (child !== null && typeof child === 'object' && !Array.isArray(child) && depth < MAX_DEPTH) walk(child as Record<string, unknown>, path, depth + 1);
      }
    };
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, '$', 1);
  }

  /**
   * Gives free slots to `paths` (in order, while slots last), backfills them over the stored events
   * and rewrites the macro; returns how many were assigned. Runs inside the caller's transaction:
   * after a rollback, `load` again.
   */
  async assign(connection: DuckDBConnection, paths: Iterable<string>): Promise<number> {
    const added: Array<{ slot: number; path: string }> = [];
    for (const path of paths) {
      if (this.paths.length + added.length >= FIELD_SLOTS) break;
      if (this.known.has(path) || !/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) continue;
      added.push({ slot: this.paths.length + added.length, path });
    }
    if (added.length === 0) return 0;
    for (const { slot, path } of added) await connection.run(`insert into siem_field_slots (slot, path) values (${slot}, ${sqlString(path)})`);
    const sets = added.map(({ slot, path }) => `x${slot} = try(json_extract_string(raw, ${sqlString(path)}))`);
    await connection.run(`update siem_events set ${sets.join(', ')} where is_json`);
    for (const { slot, path } of added) {
      this.paths[slot] = path;
      this.known.add(path);
    }
    await connection.run(macroSql(this.paths));
    return added.length;
  }

  /**
   * `INSERT INTO siem_events … SELECT … FROM <source>` for rows in the stored layout without slot
   * columns: DuckDB parses each JSON `raw` once and extracts every slot path.
   */
  insertSql(source: string, columns: readonly string[]): string {
    const list = columns.map((c) => (c === 'index' ? '"index"' : c));
    if (this.paths.length === 0) return `insert into siem_events (${list.join(', ')}) select ${list.join(', ')} from ${source}`;
    const slots = this.paths.map((_p, i) => `x${i}`);
    const values = this.paths.map((_p, i) => `__j[${i + 1}]`);
    const extract = `CASE WHEN is_json THEN try(json_extract_string(raw, [${this.paths.map(sqlString).join(', ')}])) END AS __j`;
    return `insert into siem_events (${[...list, ...slots].join(', ')}) select ${[...list, ...values].join(', ')} from (select *, ${extract} from ${source})`;
  }
}

/** The search-side macro: assigned paths read their column, the rest parse `raw`. */
export function macroSql(paths: readonly string[]): string {
  const params = `raw, ${SLOT_COLUMNS.join(', ')}, path`;
  const whens = paths.map((path, slot) => `WHEN path = ${sqlString(path)} THEN x${slot}`);
  const body = whens.length === 0 ? 'json_extract_string(raw, path)' : `CASE ${whens.join(' ')} ELSE json_extract_string(raw, path) END`;
  return `create or replace macro spl_json_field(${params}) as ${body}`;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
