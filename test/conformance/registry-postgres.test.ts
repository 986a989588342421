import { afterAll, describe, it, expect } from 'vitest';
import { dropPostgresSchema, migrateRegistry, openPostgresRegistry } from '../../src/store/index.js';
import { REGISTRY_SUITES } from './registry-suites.js';

const url = process.env['VIGIL_TEST_POSTGRES_URL'];
const run = `t${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];

if (url === undefined || url === '') {
  describe('registry repositories on PostgreSQL', () => {
    it('was not run: VIGIL_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL 15 and sets it)', () => {
      process.stdout.write('PostgreSQL conformance suite not run: VIGIL_TEST_POSTGRES_URL is not set\n');
      expect(url ?? '').toBe('');
    });
  });
} else {
  afterAll(async () => {
    for (const schema of schemas) await dropPostgresSchema(url, schema);
  });
  describe('registry repositories on PostgreSQL', () => {
    for (const suite of REGISTRY_SUITES) {
      suite(async () => {
        const schema = `${run}_${schemas.length}`;
        schemas.push(schema);
        const registry = await openPostgresRegistry(url, { schema, maxConnections: 3 });
        const migrated = await migrateRegistry(registry);
        if (!migrated.ok) throw migrated.error;
        return registry;
      });
    }
  });
}
