/**
 * lookups: CSV lookup files for SPL (`lookup`, `| inputlookup`). Uploads are validated here and
 * stored as DuckDB tables beside the events (schema `siem_lookups`), so searches join them in SQL.
 * Imports: core, store (the EventsDb handle) and the DuckDB client; nothing from spl/.
 */
export { LookupStore, type LookupInfo } from './lookup-store.js';
export { LOOKUP_LIMITS, parseLookupCsv, type LookupCsv, type LookupLimits } from './csv.js';
export { readLookupCatalog, LOOKUP_NAME, lookupTableSql, LOOKUP_SCHEMA, LOOKUP_ROW_COLUMN, type LookupCatalog, type LookupTable } from './catalog.js';
