import type { CodeTable } from './kinds.js';

/** api: requests, authentication, access keys. */
export const API_ERRORS = {
  'api.body_too_large': 'too_large',
  'api.invalid_json': 'invalid',
  'api.json_too_deep': 'invalid',
  'api.invalid_request': 'invalid',
  'api.invalid_path_parameter': 'invalid',
  'api.invalid_url': 'invalid',
  'api.route_not_found': 'not_found',
  'auth.missing_credentials': 'unauthenticated',
  'auth.invalid_token': 'unauthenticated',
  'auth.unknown_access_key': 'unauthenticated',
  'auth.signature_mismatch': 'unauthenticated',
  'auth.malformed_signature': 'unauthenticated',
  'auth.request_expired': 'unauthenticated',
  'auth.wrong_service': 'unauthenticated',
  'auth.forbidden': 'forbidden',
  'access_key.not_found': 'not_found',
  'api.live_listener_failed': 'internal',
  'backup.unavailable': 'unavailable',
  'backup.conflict': 'conflict',
} as const satisfies CodeTable;

/**
 * The API's client: its own failures, and `http.<status>` for an error answer that carries no
 * Vigil code (the AWS-style routes answer `{"message"}` only).
 */
export const CLIENT_ERRORS = {
  'client.no_server': 'unavailable',
  'client.no_token': 'invalid',
  'client.unreachable': 'unavailable',
  'http.400': 'invalid',
  'http.401': 'unauthenticated',
  'http.403': 'forbidden',
  'http.404': 'not_found',
  'http.405': 'invalid',
  'http.406': 'conflict',
  'http.409': 'conflict',
  'http.410': 'limit_exceeded',
  'http.413': 'too_large',
  'http.415': 'invalid',
  'http.429': 'throttled',
  'http.500': 'internal',
  'http.502': 'upstream',
  'http.503': 'unavailable',
  'http.504': 'timeout',
  'http.error': 'upstream',
  'client.tls_fingerprint_mismatch': 'unauthenticated',
  'client.transfer_failed': 'unavailable',
} as const satisfies CodeTable;

/** app, cli, the device agent and the simulator. */
export const APP_ERRORS = {
  'apply.invalid': 'invalid',
  'apply.unknown_reference': 'invalid',
  'import.invalid': 'invalid',
  'import.account_mismatch': 'conflict',
  'cli.unreadable_file': 'invalid',
  'sim.invalid_devices': 'invalid',
  'sim.invalid_scenario': 'invalid',
  'sim.invalid_speed': 'invalid',
  'backup.file_exists': 'already_exists',
  'demo.not_running': 'not_found',
  'restore.file_not_found': 'not_found',
} as const satisfies CodeTable;

export const AGENT_ERRORS = {
  'agent.usage': 'invalid',
  'agent.tls_file': 'fault',
  'agent.custom_metric_command': 'fault',
  'agent.custom_metric_file': 'fault',
  'agent.custom_metric_source': 'invalid',
  'agent.custom_metric_value': 'invalid',
} as const satisfies CodeTable;
