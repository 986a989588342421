import type { CodeTable } from './kinds.js';

/** detect: security profiles, custom metrics, dimensions, violations, metric values, mitigation. */
export const DETECT_ERRORS = {
  'detect.invalid_request': 'invalid',
  'detect.directory_failed': 'fault',
  'detect.store_failed': 'fault',
  'detect.ml_training_failed': 'internal',
  'ml.invalid_series': 'invalid',
  'ml.invalid_duration': 'invalid',
  'ml.input_not_found': 'not_found',
  'security_profile.already_exists': 'already_exists',
  'security_profile.invalid_request': 'invalid',
  'security_profile.limit_exceeded': 'limit_exceeded',
  'security_profile.not_found': 'not_found',
  'security_profile.version_conflict': 'version_conflict',
  'custom_metric.already_exists': 'already_exists',
  'custom_metric.invalid_request': 'invalid',
  'custom_metric.not_found': 'not_found',
  'dimension.already_exists': 'already_exists',
  'dimension.invalid_request': 'invalid',
  'dimension.not_found': 'not_found',
  'violation.invalid_request': 'invalid',
  'violation.not_found': 'not_found',
  'metric_values.invalid_request': 'invalid',
  'mitigation_action.already_exists': 'already_exists',
  'mitigation_action.invalid_request': 'invalid',
  'mitigation_action.not_found': 'not_found',
  'detect_mitigation.invalid_request': 'invalid',
  'detect_mitigation.not_found': 'not_found',
  'detect_mitigation.task_already_exists': 'already_exists',
  'detect_mitigation.failed': 'internal',
} as const satisfies CodeTable;

/** audit: configuration, checks, tasks, schedules, suppressions, mitigation. */
export const AUDIT_ERRORS = {
  'audit.already_exists': 'already_exists',
  'audit.invalid_check': 'invalid',
  'audit.invalid_name': 'invalid',
  'audit.invalid_request': 'invalid',
  'audit.limit_exceeded': 'limit_exceeded',
  'audit.not_found': 'not_found',
  'audit.mitigation_invalid_target': 'invalid',
  'audit.mitigation_unavailable': 'unavailable',
  'audit.check_failed': 'internal',
  'audit.crl_fetch_failed': 'fault',
  'audit.schedule_failed': 'internal',
  'audit.task_failed': 'internal',
} as const satisfies CodeTable;
