import type { Kysely } from 'kysely';
import type { RegistryDatabase } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** A registry database handle with the dialect it speaks, so repositories can bridge the few differences. */
export interface RegistryDb {
  readonly db: Kysely<RegistryDatabase>;
  readonly dialect: DialectName;
  /** PostgreSQL schema the tables live in (`public` unless a test or deployment chose one). */
  readonly schema?: string;
  close(): Promise<void>;
}

/** PostgreSQL returns bigint and count columns as strings; SQLite returns numbers. */
export function toNumber(value: string | number | bigint | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

/** JSON columns are text in both dialects: written with this, read with `fromJson`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}
