import type { RegistryDb } from '../../src/store/index.js';
import { accessKeyConformance } from './access-keys.suite.js';

/**
 * Opens a fresh, migrated, empty registry database for one test. Every suite below runs against
 * SQLite always and against PostgreSQL when VIGIL_TEST_POSTGRES_URL is set.
 */
export type OpenRegistry = () => Promise<RegistryDb>;

/** Every repository's conformance suite; a new repository adds its suite file and a row here. */
export const REGISTRY_SUITES: ReadonlyArray<(open: OpenRegistry) => void> = [accessKeyConformance];
