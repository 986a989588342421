import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/** One numbered schema change, written with Kysely's schema builder so it runs on both dialects. */
export interface RegistryMigration {
  /** `NNN-short-name`; the number orders migrations and never changes once released. */
  readonly name: string;
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}
