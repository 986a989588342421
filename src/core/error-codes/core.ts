import type { CodeTable } from './kinds.js';

/** core, config and store: units, configuration files, the data directory and its databases. */
export const CORE_ERRORS = {
  'internal.unexpected': 'internal',
  'internal.error': 'internal',
  'internal.not_started': 'internal',
  'internal.start_failed': 'internal',
  /** A response its route's contract does not allow (checked under test): a bug in the route. */
  'internal.response_contract': 'internal',
  /** A detector name the caller did not check against the detector table: a bug in the caller. */
  'internal.unknown_detector': 'internal',
  'units.invalid_bytes': 'invalid',
  'units.invalid_duration': 'invalid',
} as const satisfies CodeTable;

export const CONFIG_ERRORS = {
  'config.invalid': 'invalid',
  'config.not_found': 'not_found',
  'config.insecure_listener': 'invalid',
  'config.tls_incomplete': 'invalid',
  'config.tls_invalid': 'invalid',
  'config.tls_unreadable': 'invalid',
} as const satisfies CodeTable;

export const STORE_ERRORS = {
  'store.locked': 'unavailable',
  'store.unavailable': 'unavailable',
  'store.open_failed': 'fault',
  'store.migration_failed': 'fault',
  'store.secret_empty': 'fault',
  'backup.file_changed': 'fault',
  'backup.name_too_long': 'too_large',
  'restore.target_not_empty': 'conflict',
  'restore.corrupt': 'invalid',
  'restore.truncated': 'invalid',
  'restore.not_a_backup': 'invalid',
  'restore.unsupported_entry': 'invalid',
  'restore.unsafe_path': 'invalid',
  'restore.io_error': 'fault',
  'stream.outbox_closed': 'unavailable',
} as const satisfies CodeTable;

/** Reports a broker rejects on `/rejected` (each has an AWS ErrorCode in protocol's answer table). */
export const REPORT_REJECTION_ERRORS = {
  'report.invalid_payload': 'invalid',
  'report.too_large': 'too_large',
  'report.invalid_thing_name': 'invalid',
  'report.stale_report_id': 'conflict',
  'report.throttled': 'throttled',
  'report.unavailable': 'unavailable',
} as const satisfies CodeTable;

export const PROTOCOL_ERRORS = {
  ...REPORT_REJECTION_ERRORS,
  'report.invalid_response': 'invalid',
} as const satisfies CodeTable;
