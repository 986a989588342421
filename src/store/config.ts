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
  },
  'Storage engines.',
);
