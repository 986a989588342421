import { sql } from 'kysely';
import type { RegistryDb } from '../dialect.js';

/**
 * Secrets every cluster node reads (the cluster CA), stored once in the shared registry database.
 * Values are written by the caller already encrypted. The first writer wins: `putIfAbsent` returns
 * the value that is stored after the call, the caller's or an earlier node's.
 */
export interface ClusterSecretStore {
  get(name: string): Promise<string | undefined>;
  putIfAbsent(name: string, value: string, now: number): Promise<string>;
}

export async function clusterSecretRepository(registry: RegistryDb): Promise<ClusterSecretStore> {
  const { db } = registry;
  // A table of cluster mode only, outside the numbered migrations every single node runs.
  await sql`create table if not exists cluster_secrets (name text primary key, value text not null, created_at bigint not null)`.execute(db);
  async function get(name: string): Promise<string | undefined> {
    const result = await sql<{ value: string }>`select value from cluster_secrets where name = ${name}`.execute(db);
    return result.rows[0]?.value;
  }
  return {
    get,
    async putIfAbsent(name, value, now) {
      await sql`insert into cluster_secrets (name, value, created_at) values (${name}, ${value}, ${now}) on conflict (name) do nothing`.execute(db);
      const stored = await get(name);
      if (stored === undefined) throw new Error(`cluster secret ${name} vanished after insert`);
      return stored;
    },
  };
}
