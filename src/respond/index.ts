/**
 * respond: playbooks, Vigil's answer to an alert, a violation or an audit finding. A playbook is a
 * declarative document (trigger, steps, limits, dry run); its steps are a table (quarantine,
 * deactivate or revoke a certificate, disconnect, add to a group, run an audit, notify, webhook,
 * case note, approval), run with retries and recorded step by step, with undo for quarantine and
 * deactivate and a per-playbook hourly limit on distinct things. It meets the registry, the broker,
 * the audit and notify only through the ports in `model` (`RespondRegistry`, `DeviceConnections`,
 * `RespondOutlets`, `PlaybookStore`), wired in `app/wire-respond.ts`. Imports: core, model, telemetry.
 */
export { RespondEngine, type RespondDeps } from './engine.js';
export { parsePlaybook, playbookDocument, PLAYBOOK_NAME, DEFAULT_LIMITS, type PlaybookDocument } from './playbook.js';
export { STEPS, type StepRow, type StepPorts, type ParamSpec } from './steps/index.js';
export { substitute } from './variables.js';
