import { Type } from 'typebox';
import { section } from '../config/index.js';

export const storeConfigSchema = section(
  {
    registry: Type.Union(
      [
        Type.Object({ type: Type.Literal('sqlite') }, { additionalProperties: false, description: 'registry.sqlite in the data directory' }),
        Type.Object(
          {
            type: Type.Literal('postgres'),
            url: Type.String({ minLength: 1, description: 'postgres://user:password@host:5432/db', examples: ['postgres://vigil@127.0.0.1:5432/vigil'] }),
            max_connections: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Connection pool size.' }),
          },
          { additionalProperties: false },
        ),
      ],
      { default: { type: 'sqlite' }, description: 'Where the registry lives: sqlite (default) or postgres (scale-out).' },
    ),
    duckdb_threads: Type.Integer({ minimum: 1, maximum: 256, default: 2, description: 'Threads DuckDB may use for the event store.' }),
    duckdb_memory_limit_mb: Type.Integer({ minimum: 64, maximum: 1_048_576, default: 512, description: 'Memory DuckDB may hold for the event store: its block cache (recently written and read events) and query working memory; beyond it blocks are evicted and large queries spill to disk. Without a cap, DuckDB caches up to 80% of RAM and the process only grows.' }),
  },
  'Storage engines.',
);
