import { afterAll, describe } from 'vitest';
import { migrateRegistry, openSqliteRegistry } from '../../src/store/index.js';
import { tempDir } from '../support/temp.js';
import { REGISTRY_SUITES } from './registry-suites.js';

const dir = tempDir('vigil-conformance-');
let counter = 0;
afterAll(() => dir.remove());

describe('registry repositories on SQLite', () => {
  for (const suite of REGISTRY_SUITES) {
    suite(async () => {
      const registry = openSqliteRegistry(`${dir.path}/registry-${++counter}.sqlite`);
      const migrated = await migrateRegistry(registry);
      if (!migrated.ok) throw migrated.error;
      return registry;
    });
  }
});
