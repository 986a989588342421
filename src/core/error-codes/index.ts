import { AGENT_ERRORS, API_ERRORS, APP_ERRORS, CLIENT_ERRORS } from './edges.js';
import { CONFIG_ERRORS, CORE_ERRORS, PROTOCOL_ERRORS, REPORT_REJECTION_ERRORS, STORE_ERRORS } from './core.js';
import { AUDIT_ERRORS, DETECT_ERRORS } from './detect.js';
import { CLUSTER_ERRORS } from './cluster.js';
import { NOTIFY_ERRORS, RULES_ERRORS, STREAM_ERRORS } from './delivery.js';
import { INGRESS_ERRORS, REGISTRY_ERRORS } from './registry.js';
import { SIEM_ERRORS, SPL_ERRORS } from './siem.js';
import { RESPOND_ERRORS } from './respond.js';
import type { ErrorKind } from './kinds.js';

/**
 * Every error code Vigil raises, one closed table per module (core is layer 0 and imports nothing,
 * so the tables live here, grouped by the module that raises them). A module adds a code by adding
 * a row with its kind; `VigilError` takes only these codes.
 */
export const ERROR_MODULES = {
  core: CORE_ERRORS,
  config: CONFIG_ERRORS,
  store: STORE_ERRORS,
  protocol: PROTOCOL_ERRORS,
  registry: REGISTRY_ERRORS,
  ingress: INGRESS_ERRORS,
  detect: DETECT_ERRORS,
  audit: AUDIT_ERRORS,
  rules: RULES_ERRORS,
  notify: NOTIFY_ERRORS,
  stream: STREAM_ERRORS,
  siem: SIEM_ERRORS,
  spl: SPL_ERRORS,
  respond: RESPOND_ERRORS,
  agent: AGENT_ERRORS,
  api: API_ERRORS,
  client: CLIENT_ERRORS,
  app: APP_ERRORS,
  cluster: CLUSTER_ERRORS,
} as const;

type Modules = typeof ERROR_MODULES;
export type ErrorModule = keyof Modules;
/** The codes of one module, e.g. `ModuleErrorCode<'detect'>`. */
export type ModuleErrorCode<M extends ErrorModule> = keyof Modules[M] & string;
export type ErrorCode = { [M in ErrorModule]: ModuleErrorCode<M> }[ErrorModule];
export type ReportRejectionCode = keyof typeof REPORT_REJECTION_ERRORS;

export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorKind>> = Object.assign({}, ...Object.values(ERROR_MODULES)) as Record<ErrorCode, ErrorKind>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function errorKind(code: ErrorCode): ErrorKind {
  return ERROR_CODES[code];
}

export { ERROR_KINDS, type ErrorKind } from './kinds.js';
export { REPORT_REJECTION_ERRORS } from './core.js';
