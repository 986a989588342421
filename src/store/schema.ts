import type { Generated } from 'kysely';

/**
 * The registry database's tables as Kysely sees them. Each migration that adds a table adds its
 * interface here. Times are epoch milliseconds (bigint on PostgreSQL, read back through `toNumber`).
 */
export interface RegistryDatabase {
  access_keys: AccessKeysTable;
  vigil_meta: MetaTable;
}

export interface AccessKeysTable {
  access_key_id: string;
  secret_access_key: string;
  description: string;
  created_at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export type { Generated };
