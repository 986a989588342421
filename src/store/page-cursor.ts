import { sql, type Expression, type ExpressionBuilder, type SqlBool, type StringReference } from 'kysely';
import { VigilError, type ErrorCode } from '../core/index.js';

/**
 * Page cursors shared by the repositories: keyset tokens (`<position><separator><id>`, the last row
 * of a page, e.g. `1700000000000:abc`) and offset tokens (the offset of the next row, e.g. `100`).
 * Tokens reach API clients as they are, so each repository keeps its own separator, and a token
 * this server did not issue is an error with the code of the API family that received it.
 */

/** How one repository spells its keyset tokens and reports one it did not issue. */
export interface KeysetFormat {
  /** Between position and id; the first one in a token splits it, so an id may contain it. */
  readonly separator: string;
  /** The error code of a malformed token (`registry.invalid_token`, `violation.invalid_request`, …). */
  readonly code: ErrorCode;
}

/** The last row of a page: its sort position and its unique id, the tie-breaker. */
export interface KeysetPosition<P extends number | string = number> {
  readonly at: P;
  readonly id: string;
}

export type SortOrder = 'asc' | 'desc';

export function encodeKeyset(format: KeysetFormat, at: number | string, id: string): string {
  return `${at}${format.separator}${id}`;
}

/** The position a numeric keyset token names; `undefined` for the first page. */
export function decodeKeyset(format: KeysetFormat, token: string | undefined): KeysetPosition | undefined {
  const split = decodeTextKeyset(format, token);
  if (split === undefined) return undefined;
  const at = Number(split.at);
  if (split.at.trim() === '' || !Number.isFinite(at)) throw notIssued(format.code, `its position "${split.at}" is not a number`);
  return { at, id: split.id };
}

/** The position a keyset token names when the position is text too (`thinggroup/g1`). */
export function decodeTextKeyset(format: KeysetFormat, token: string | undefined): KeysetPosition<string> | undefined {
  if (token === undefined) return undefined;
  const index = token.indexOf(format.separator);
  if (index < 0) throw notIssued(format.code, `it has no "${format.separator}" between position and id`);
  return { at: token.slice(0, index), id: token.slice(index + 1) };
}

/** The WHERE condition "strictly after `after`" for rows sorted by (position, id) in `order`. */
export function afterKeyset<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  columns: readonly [position: StringReference<DB, TB>, id: StringReference<DB, TB>],
  after: KeysetPosition<number | string>,
  order: SortOrder,
): Expression<SqlBool> {
  const position = sql.ref<number | string>(columns[0]);
  const id = sql.ref<string>(columns[1]);
  const op = order === 'asc' ? '>' : '<';
  return eb.or([eb(position, op, after.at), eb.and([eb(position, '=', after.at), eb(id, op, after.id)])]);
}

/** Trims a `limit + 1` fetch to a page; `next` is the key of its last row when there is more. */
export function keysetPage<T>(rows: readonly T[], limit: number, key: (row: T) => string): { items: T[]; next: string | undefined } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last !== undefined ? key(last) : undefined };
}

/** The offset an offset token names (0 for the first page). */
export function decodeOffset(code: ErrorCode, token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(token);
  if (token.trim() === '' || !Number.isInteger(offset) || offset < 0) throw notIssued(code, 'it is not a row offset');
  return offset;
}

/** Trims a `limit + 1` fetch taken at `offset` to a page; `next` is the offset after it. */
export function offsetPage<T>(rows: readonly T[], limit: number, offset: number): { items: T[]; next: string | undefined } {
  return { items: rows.slice(0, limit), next: rows.length > limit ? String(offset + limit) : undefined };
}

function notIssued(code: ErrorCode, why: string): VigilError {
  return new VigilError(code, `the nextToken is not one this server issued: ${why}`, { hint: 'pass the nextToken of the previous page unchanged, or leave it out to start from the first page' });
}
