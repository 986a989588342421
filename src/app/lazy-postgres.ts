// Loaded with import() only when the registry lives in PostgreSQL: the pg driver.
export { openPostgresRegistry } from '../store/index.js';
