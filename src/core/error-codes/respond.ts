import type { CodeTable } from './kinds.js';

/** respond: playbooks, their runs and steps. */
export const RESPOND_ERRORS = {
  'playbook.invalid': 'invalid',
  'playbook.not_found': 'not_found',
  'playbook.already_exists': 'already_exists',
  'playbook_run.not_found': 'not_found',
  'playbook_run.invalid_token': 'invalid',
  'playbook_run.state_conflict': 'conflict',
  'playbook_run.nothing_to_undo': 'conflict',
  'playbook_step.no_target': 'invalid',
  'playbook_step.failed': 'upstream',
  'playbook_step.refused': 'conflict',
  'playbook_step.unavailable': 'unavailable',
  'playbook_step.crashed': 'internal',
} as const satisfies CodeTable;
