import type { Result } from '../core/index.js';
import type { AuditSeverity } from './audit.js';
import type { CertificateStatus, Page, PageRequest } from './registry.js';
import type { DisconnectReason } from './connection-history.js';

/** What starts a playbook: a saved-search alert (once per result row), a detect violation event, an audit finding. */
export type PlaybookTrigger =
  | { readonly type: 'alert'; readonly search: string }
  | { readonly type: 'violation'; readonly profile?: string | undefined; readonly behavior?: string | undefined; readonly metric?: string | undefined; readonly event?: 'in-alarm' | 'alarm-cleared' | 'alarm-invalidated' | undefined }
  | { readonly type: 'audit_finding'; readonly check?: string | undefined; readonly severity?: AuditSeverity | undefined };

export type PlaybookStepType = 'quarantine' | 'deactivate_certificate' | 'revoke_certificate' | 'disconnect' | 'add_to_group' | 'run_audit' | 'notify' | 'webhook' | 'case_note' | 'approval';

/** One step: its type and parameters (strings may hold `${variable}` placeholders). */
export interface PlaybookStep {
  readonly type: PlaybookStepType;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface PlaybookLimits {
  /** A playbook acting on more distinct things than this in an hour pauses (`paused_rate_limit`) and asks. */
  readonly maxThingsPerHour: number;
  /** Attempts of one step, the first included, with backoff between them. */
  readonly stepAttempts: number;
}

/** A declarative response: when `trigger` matches, run `steps` in order. */
export interface Playbook {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly trigger: PlaybookTrigger;
  readonly steps: readonly PlaybookStep[];
  readonly limits: PlaybookLimits;
  /** Record what each step would do without doing it. */
  readonly dryRun: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * A run's life: `running` → `succeeded` | `failed`; `waiting_approval` at an approval step;
 * `paused_rate_limit` before the first step when the playbook hit its hourly limit; `denied` when
 * an approval (or the rate-limit question) was answered no; `undone` after an undo.
 */
export type PlaybookRunState = 'running' | 'waiting_approval' | 'paused_rate_limit' | 'succeeded' | 'failed' | 'denied' | 'undone';

export type PlaybookStepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'dry_run' | 'waiting' | 'approved' | 'denied' | 'undone';

/** What a step did, and what undoing it needs (for quarantine: the groups before; for deactivate: the certificates it changed). */
export interface PlaybookStepRecord {
  readonly index: number;
  readonly type: PlaybookStepType;
  readonly status: PlaybookStepStatus;
  /** Parameters after variable substitution. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly attempts: number;
  readonly startedAt?: number | undefined;
  readonly endedAt?: number | undefined;
  readonly message?: string | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly undo?: Readonly<Record<string, unknown>> | undefined;
}

export interface PlaybookRunTrigger {
  readonly type: PlaybookTrigger['type'];
  /** One line: which alert row, violation or finding started the run. */
  readonly summary: string;
  /** When the triggering event happened (epoch ms). */
  readonly time: number;
}

export interface PlaybookRun {
  readonly id: string;
  readonly playbook: string;
  readonly state: PlaybookRunState;
  readonly dryRun: boolean;
  readonly trigger: PlaybookRunTrigger;
  /** The variables steps may use (`thing`, `certificate_id`, `port`, `row.FIELD` …). */
  readonly variables: Readonly<Record<string, string>>;
  /** The thing the run acts on (empty when the trigger named none). */
  readonly thing: string;
  readonly steps: readonly PlaybookStepRecord[];
  /** Set while the run waits: when the default answer applies, and what it is. */
  readonly approval?: { readonly requestedAt: number; readonly deadline: number; readonly default: 'approve' | 'deny'; readonly reason: 'approval_step' | 'rate_limit' } | undefined;
  /** Case notes the run's `case_note` steps wrote. */
  readonly notes: readonly { readonly time: number; readonly text: string }[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PlaybookRunQuery extends PageRequest {
  readonly playbook?: string | undefined;
  readonly states?: readonly PlaybookRunState[] | undefined;
}

/** Storage port for playbooks and their runs. */
export interface PlaybookStore {
  listPlaybooks(): Promise<Playbook[]>;
  getPlaybook(name: string): Promise<Playbook | undefined>;
  /** False when the name exists. */
  createPlaybook(playbook: Playbook): Promise<boolean>;
  /** False when the name does not exist. */
  updatePlaybook(playbook: Playbook): Promise<boolean>;
  /** Deletes the playbook and its runs. */
  deletePlaybook(name: string): Promise<boolean>;
  /** Creates the run, or replaces it (same id). */
  saveRun(run: PlaybookRun): Promise<void>;
  getRun(id: string): Promise<PlaybookRun | undefined>;
  /** Newest first. */
  listRuns(query: PlaybookRunQuery): Promise<Page<PlaybookRun>>;
  /** Things that non-dry runs of `playbook` created since `since` acted on (paused and denied runs do not count). */
  thingsActedOnSince(playbook: string, since: number): Promise<string[]>;
}

/** The registry as playbook steps change it. Each change fails with the registry's code. */
export interface RespondRegistry {
  /** Things the certificate is attached to. */
  thingsOfCertificate(certificateId: string): Promise<string[]>;
  /** Certificate ids attached to the thing. */
  certificatesOfThing(thingName: string): Promise<Result<string[]>>;
  certificateStatus(certificateId: string): Promise<Result<CertificateStatus>>;
  setCertificateStatus(certificateId: string, status: CertificateStatus): Promise<Result<void>>;
  /** The thing's static groups. */
  groupsOfThing(thingName: string): Promise<Result<string[]>>;
  addThingToGroup(groupName: string, thingName: string): Promise<Result<void>>;
  removeThingFromGroup(groupName: string, thingName: string): Promise<Result<void>>;
  /** Creates the group (and a deny-everything policy attached to it) when missing. */
  ensureQuarantineGroup(groupName: string, policyName: string): Promise<Result<void>>;
}

/** Live device connections, as a playbook sees them: it can drop them. */
export interface DeviceConnections {
  /** Closes every live connection of the thing (client id or bound thing); resolves how many it closed. */
  disconnect(thingName: string, reason: DisconnectReason): Promise<number>;
}

/** What the other playbook steps reach: an on-demand audit, a notify topic, a signed webhook. */
export interface RespondOutlets {
  startAudit(checkNames: readonly string[]): Promise<Result<string>>;
  publish(topic: string, message: string, subject: string): Promise<Result<void>>;
  /** POSTs JSON signed with Vigil's respond webhook secret. */
  postWebhook(url: string, body: string): Promise<Result<void>>;
}
