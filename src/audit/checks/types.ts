import type { AuditLoggingOptions, AuditResource, AuditResourceType, AuditSeverity, AuditTaskType, ConnectionRecord, MitigationActionType } from '../../model/index.js';
import type { Inventory } from './inventory.js';
import type { WeakKeyBlocklist } from './key-quality.js';

/** One non-compliant resource, before the task gives it ids and times. */
export interface FindingDraft {
  readonly resource: AuditResource;
  readonly related?: readonly AuditResource[];
  readonly reasonCode: string;
  readonly reason: string;
}

export interface CheckResult {
  readonly totalResourcesCount: number;
  readonly findings: readonly FindingDraft[];
}

/** What a check run sees: the registry snapshot, connection history windows, settings. */
export interface CheckContext {
  readonly now: number;
  readonly taskStartTime: number;
  readonly taskType: AuditTaskType;
  /** The check's `configuration` map (e.g. CERT_AGE_THRESHOLD_IN_DAYS). */
  readonly settings: Readonly<Record<string, string>>;
  readonly inventory: Inventory;
  /** Debian weak-key fingerprints (empty without a configured blocklist). */
  readonly weakKeys: WeakKeyBlocklist;
  readonly accountId: string;
  readonly region: string;
  /** Look-back windows (device-defender.md §6.2) for the two connection-history checks. */
  readonly windows: { readonly shared: Window; readonly conflicting: Window };
  connections(window: Window): Promise<readonly ConnectionRecord[]>;
  logging(): Promise<AuditLoggingOptions | undefined>;
  /** How this Vigil listens (the Vigil-specific listener checks). */
  readonly exposure: ServiceExposure;
}

/** Listeners a Vigil opened that carry no TLS, as configured. */
export interface ServiceExposure {
  /** `mqtt.plain_listen` when set: anonymous MQTT clients without TLS. */
  readonly plainMqtt: string | undefined;
  /** HTTP listeners without TLS on a non-loopback address (`allow_insecure_http`), by name (`api`, `hec`). */
  readonly plainHttp: ReadonlyArray<{ readonly name: string; readonly address: string }>;
}

export interface Window {
  readonly from: number;
  readonly to: number;
}

/** An audit check: one row of `checks/index.ts`. */
export interface AuditCheck {
  readonly name: string;
  readonly severity: AuditSeverity;
  readonly resourceType: AuditResourceType;
  readonly reasonCodes: readonly string[];
  /** Mitigation action types this check's findings accept (PUBLISH_FINDING_TO_SNS is always allowed). */
  readonly mitigations: readonly MitigationActionType[];
  /** Set for checks Vigil cannot run (no Cognito, no IAM role aliases): they report AUDIT_CHECK_DISABLED with this message. */
  readonly unavailable?: string;
  run(context: CheckContext): Promise<CheckResult>;
}

export const DAY_MS = 86_400_000;

/** Certificate states the audit treats as in use (AWS: ACTIVE or PENDING_TRANSFER). */
export function inUse(status: string): boolean {
  return status === 'ACTIVE' || status === 'PENDING_TRANSFER';
}

export function deviceCert(certificateId: string): AuditResource {
  return { resourceType: 'DEVICE_CERTIFICATE', resourceIdentifier: { deviceCertificateId: certificateId } };
}

export function caCert(certificateId: string): AuditResource {
  return { resourceType: 'CA_CERTIFICATE', resourceIdentifier: { caCertificateId: certificateId } };
}

/** Reads an integer setting within a range, else the default. */
export function daysSetting(settings: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const raw = settings[key];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
