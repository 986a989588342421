import type { CodeTable } from './kinds.js';

/** rules: topic rules, their SQL and actions. */
export const RULES_ERRORS = {
  'rules.action_failed': 'upstream',
  'rules.already_exists': 'already_exists',
  'rules.batch_too_large': 'too_large',
  'rules.invalid_action': 'invalid',
  'rules.invalid_name': 'invalid',
  'rules.invalid_request': 'invalid',
  'rules.invalid_sql': 'invalid',
  'rules.invalid_topic': 'invalid',
  'rules.loop_limit': 'limit_exceeded',
  'rules.not_found': 'not_found',
} as const satisfies CodeTable;

/** notify: topics, subscriptions, deliveries. */
export const NOTIFY_ERRORS = {
  'notify.invalid_endpoint': 'invalid',
  'notify.invalid_message': 'invalid',
  'notify.invalid_name': 'invalid',
  'notify.invalid_protocol': 'invalid',
  'notify.not_found': 'not_found',
  'notify.stopped': 'unavailable',
  'notify.unreachable': 'upstream',
  'notify.http_error': 'upstream',
} as const satisfies CodeTable;

/** stream: delivery streams and their Firehose face. */
export const STREAM_ERRORS = {
  'stream.already_exists': 'already_exists',
  'stream.conflict': 'conflict',
  'stream.invalid_definition': 'invalid',
  'stream.invalid_record': 'invalid',
  'stream.invalid_update': 'invalid',
  'stream.not_found': 'not_found',
  'stream.unavailable': 'unavailable',
  'stream.version_conflict': 'version_conflict',
  'stream.backup_failed': 'fault',
  'stream.batch_failed': 'internal',
  'stream.unknown_sink': 'internal',
  'firehose.invalid_argument': 'invalid',
  'firehose.resource_in_use': 'conflict',
  'firehose.unknown_operation': 'invalid',
} as const satisfies CodeTable;
