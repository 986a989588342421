import type { DuckMigration } from '../../store/index.js';
import { FIELD_SLOTS } from './field-slots.js';

/**
 * The event table's schema, owned here with every statement on it. The names are those the store's
 * migration runner recorded when it held them, so an existing data directory applies nothing again.
 */
export const EVENT_MIGRATIONS: readonly DuckMigration[] = [
  // One table, appended in arrival (≈ time) order so row-group zone maps on time_ms prune ranges; see docs/siem.md.
  { name: '002-siem-events', sql: 'create table if not exists siem_events (time_ms bigint not null, "index" varchar not null, sourcetype varchar not null, source varchar not null, host varchar not null, raw varchar not null, is_json boolean not null, fields varchar, indextime_ms bigint not null, serial bigint not null)' },
  // JSON fields extracted at ingest (x0…x15, see field-slots.ts); old rows get them by backfill when a slot is assigned.
  { name: '008-siem-field-slots', sql: `${Array.from({ length: FIELD_SLOTS }, (_v, i) => `alter table siem_events add column if not exists x${i} varchar;`).join(' ')} create table if not exists siem_field_slots (slot integer primary key, path varchar not null unique); create or replace macro spl_json_field(raw, ${Array.from({ length: FIELD_SLOTS }, (_v, i) => `x${i}`).join(', ')}, path) as json_extract_string(raw, path)` },
];
