import type { PlaybookStepType } from '../../model/index.js';
import { addToGroup, deactivateCertificate, disconnect, quarantine, revokeCertificate } from './registry-steps.js';
import { approval, caseNote, notify, runAudit, webhook } from './outlet-steps.js';
import type { StepRow } from './types.js';

/** Every playbook step, one row each; adding a step means adding a row (and its parameters) here. */
export const STEPS: Readonly<Record<PlaybookStepType, StepRow>> = {
  quarantine,
  deactivate_certificate: deactivateCertificate,
  revoke_certificate: revokeCertificate,
  disconnect,
  add_to_group: addToGroup,
  run_audit: runAudit,
  notify,
  webhook,
  case_note: caseNote,
  approval,
};

export type { ParamKind, ParamSpec, StepContext, StepOutcome, StepPorts, StepRow } from './types.js';
