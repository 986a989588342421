import { VigilError, err, newId, ok, pages, present, type Clock, type Result, type Timer, type TimerHandle } from '../core/index.js';
import type { AuditCheckDetail, AuditCheckSetting, AuditConfiguration, AuditFinding, AuditFindingQuery, AuditStore, AuditTask, AuditTaskStatus, AuditTaskType, CertificateStore, Component, ConnectionHistoryReader, Notifier, Page, PolicyStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { AUDIT_CHECKS, createInventory, findCheck, loadBlocklists, type CheckContext, type ServiceExposure, type WeakKeyBlocklist, type Window } from './checks/index.js';
import type { AuditConfig } from './config.js';
import { auditNotification } from './notification.js';
import { resourceKey } from './resource-key.js';
import { DAY_MS } from './checks/types.js';

export interface AuditEngineOptions {
  readonly store: AuditStore;
  readonly certificates: CertificateStore;
  readonly policies: PolicyStore;
  /** The broker's connection history; without it the connection checks see no connections. */
  readonly connections?: ConnectionHistoryReader | undefined;
  readonly notifier?: Notifier | undefined;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly config: AuditConfig;
  readonly region: string;
  readonly accountId: string;
  /** Runs before each task's checks (fetching external CRLs when audit.fetch_crls is on); must not throw. */
  readonly beforeTask?: (() => Promise<void>) | undefined;
  /** How this server listens; absent = nothing exposed without TLS. */
  readonly exposure?: ServiceExposure | undefined;
}

const CHECK_DEFAULTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DEVICE_CERTIFICATE_EXPIRING_CHECK: { CERT_EXPIRATION_THRESHOLD_IN_DAYS: '30' },
  DEVICE_CERTIFICATE_AGE_CHECK: { CERT_AGE_THRESHOLD_IN_DAYS: '365' },
};
const SETTING_RANGES: Readonly<Record<string, readonly [number, number]>> = { CERT_EXPIRATION_THRESHOLD_IN_DAYS: [1, 3652], CERT_AGE_THRESHOLD_IN_DAYS: [30, 3652] };

export interface ConfigurationInput {
  readonly roleArn?: string | undefined;
  readonly target?: { readonly targetArn?: string | undefined; readonly roleArn?: string | undefined; readonly enabled?: boolean | undefined } | undefined;
  readonly checks?: Readonly<Record<string, { readonly enabled?: boolean | undefined; readonly configuration?: Readonly<Record<string, string>> | undefined }>> | undefined;
}

/** Account audit configuration, audit tasks (on demand and scheduled runs), their findings and notifications. */
export class AuditEngine implements Component {
  readonly name = 'audit';
  private readonly weakKeys: WeakKeyBlocklist;
  private readonly running = new Map<string, { cancelled: boolean; done: Promise<void> }>();
  private sweepTimer: TimerHandle | undefined;
  private readonly finishedListeners = new Set<(task: AuditTask) => void>();
  /** Called by the scheduler to refuse disabling checks that a scheduled audit uses. */
  scheduledChecks: () => Promise<ReadonlySet<string>> = async () => new Set();

  constructor(readonly options: AuditEngineOptions) {
    this.weakKeys = loadBlocklists(options.config.debian_weak_key_blocklists);
  }

  async start(): Promise<void> {
    await this.sweep();
    this.sweepTimer = this.options.timer.setInterval(() => void this.sweep(), DAY_MS);
  }

  async stop(): Promise<void> {
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    for (const run of this.running.values()) run.cancelled = true;
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Calls `listener` with each task that ends (completed, failed or canceled); returns the unsubscribe. */
  onTaskFinished(listener: (task: AuditTask) => void): () => void {
    this.finishedListeners.add(listener);
    return () => void this.finishedListeners.delete(listener);
  }

  private finished(task: AuditTask): void {
    for (const listener of this.finishedListeners) listener(task);
  }

  /** Resolves when every task in progress has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private async sweep(): Promise<void> {
    const removed = await this.options.store.deleteFindingsBefore(this.options.clock.now() - this.options.config.findings_retention_days * DAY_MS);
    if (removed > 0) this.options.telemetry.emit('audit_findings_expired', {}, { removed });
  }

  // Configuration (device-defender.md §6.1)

  async describeConfiguration(): Promise<{ roleArn: string | undefined; target: AuditConfiguration['notificationTarget']; checks: Record<string, AuditCheckSetting> }> {
    const stored = await this.options.store.getConfiguration();
    const checks: Record<string, AuditCheckSetting> = {};
    for (const check of AUDIT_CHECKS) {
      const setting = stored?.checks[check.name];
      const configuration = { ...CHECK_DEFAULTS[check.name], ...setting?.configuration };
      checks[check.name] = { enabled: setting?.enabled ?? false, ...(Object.keys(configuration).length === 0 ? {} : { configuration }) };
    }
    return { roleArn: stored?.roleArn, target: stored?.notificationTarget, checks };
  }

  async updateConfiguration(input: ConfigurationInput): Promise<Result<void>> {
    const stored = await this.options.store.getConfiguration();
    const checks: Record<string, AuditCheckSetting> = { ...stored?.checks };
    const scheduled = input.checks === undefined ? new Set<string>() : await this.scheduledChecks();
    for (const [name, change] of Object.entries(input.checks ?? {})) {
      if (findCheck(name) === undefined) return err(new VigilError('audit.invalid_check', `"${name}" is not an audit check`, { hint: `checks: ${AUDIT_CHECKS.map((c) => c.name).join(', ')}` }));
      for (const [key, value] of Object.entries(change.configuration ?? {})) {
        const range = SETTING_RANGES[key];
        const n = Number(value);
        if (range === undefined) return err(new VigilError('audit.invalid_request', `${name}: unknown configuration "${key}"`));
        if (!Number.isInteger(n) || n < range[0] || n > range[1]) return err(new VigilError('audit.invalid_request', `${name}: ${key} must be an integer ${range[0]}..${range[1]}`));
      }
      const enabled = change.enabled ?? checks[name]?.enabled ?? false;
      if (!enabled && scheduled.has(name)) return err(new VigilError('audit.invalid_request', `${name} is used by a scheduled audit and cannot be disabled`, { hint: 'delete or update the scheduled audit first' }));
      const configuration = change.configuration ?? checks[name]?.configuration;
      checks[name] = { enabled, ...(configuration === undefined ? {} : { configuration }) };
    }
    if (stored === undefined && !Object.values(checks).some((c) => c.enabled)) {
      return err(new VigilError('audit.invalid_request', 'the first audit configuration must enable at least one check in auditCheckConfigurations'));
    }
    let target = stored?.notificationTarget;
    if (input.target !== undefined) {
      const targetArn = input.target.targetArn ?? target?.targetArn;
      if (targetArn === undefined || targetArn === '') return err(new VigilError('audit.invalid_request', 'auditNotificationTargetConfigurations.SNS.targetArn is required'));
      target = { targetArn, roleArn: input.target.roleArn ?? target?.roleArn, enabled: input.target.enabled ?? target?.enabled ?? false };
    }
    await this.options.store.putConfiguration({ roleArn: input.roleArn ?? stored?.roleArn, notificationTarget: target, checks });
    this.options.telemetry.emit('audit_configuration_changed', { action: 'update' }, { checks: Object.keys(input.checks ?? {}) });
    return ok(undefined);
  }

  async deleteConfiguration(): Promise<void> {
    await this.options.store.deleteConfiguration();
    this.options.telemetry.emit('audit_configuration_changed', { action: 'delete' }, {});
  }

  async enabledChecks(): Promise<Set<string>> {
    const stored = await this.options.store.getConfiguration();
    return new Set(Object.entries(stored?.checks ?? {}).filter(([, s]) => s.enabled).map(([n]) => n));
  }

  /** Fails unless every name is a check that is enabled. */
  async requireEnabled(names: readonly string[]): Promise<Result<void>> {
    if (names.length === 0) return err(new VigilError('audit.invalid_request', 'targetCheckNames must name at least one check'));
    const enabled = await this.enabledChecks();
    for (const name of names) {
      if (findCheck(name) === undefined) return err(new VigilError('audit.invalid_check', `"${name}" is not an audit check`));
      if (!enabled.has(name)) return err(new VigilError('audit.invalid_request', `${name} is not enabled in the account audit configuration`, { hint: 'enable it with UpdateAccountAuditConfiguration (vigil audit configure)' }));
    }
    return ok(undefined);
  }

  // Tasks (§6.4)

  async startOnDemandTask(checkNames: readonly string[]): Promise<Result<string>> {
    const enabled = await this.requireEnabled(checkNames);
    if (!enabled.ok) return enabled;
    const inProgress = await this.options.store.listTasks({ limit: this.options.config.max_concurrent_on_demand, from: 0, to: Number.MAX_SAFE_INTEGER, taskType: 'ON_DEMAND_AUDIT_TASK', taskStatus: 'IN_PROGRESS' });
    if (inProgress.items.length >= this.options.config.max_concurrent_on_demand) return err(new VigilError('audit.limit_exceeded', `at most ${this.options.config.max_concurrent_on_demand} on-demand audits may be in progress`));
    return ok(await this.startTask('ON_DEMAND_AUDIT_TASK', checkNames, undefined, undefined));
  }

  /** Starts the task of a scheduled audit; `previousRun` bounds the connection look-back. */
  async startScheduledTask(name: string, checkNames: readonly string[], previousRun: number | undefined, startTime?: number): Promise<string> {
    const enabled = await this.enabledChecks();
    return this.startTask('SCHEDULED_AUDIT_TASK', checkNames.filter((c) => enabled.has(c)), name, previousRun, startTime);
  }

  private async startTask(taskType: AuditTaskType, checkNames: readonly string[], scheduledAuditName: string | undefined, previousRun: number | undefined, startTime?: number): Promise<string> {
    const names = [...new Set(checkNames)];
    const task: AuditTask = { taskId: newId(), taskType, taskStatus: 'IN_PROGRESS', taskStartTime: startTime ?? this.options.clock.now(), taskEndTime: undefined, scheduledAuditName, checkNames: names, details: Object.fromEntries(names.map((n) => [n, { checkRunStatus: 'IN_PROGRESS' } satisfies AuditCheckDetail])) };
    await this.options.store.createTask(task);
    const state = { cancelled: false, done: Promise.resolve() };
    state.done = this.runTask(task, previousRun, state).finally(() => this.running.delete(task.taskId));
    this.running.set(task.taskId, state);
    return task.taskId;
  }

  private async runTask(initial: AuditTask, previousRun: number | undefined, state: { cancelled: boolean }): Promise<void> {
    // Let the caller receive the task id before the checks run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let task = initial;
    const details: Record<string, AuditCheckDetail> = { ...task.details };
    const { config } = this.options;
    try {
      await this.options.beforeTask?.();
      const stored = await this.options.store.getConfiguration();
      const inventory = createInventory({ certificates: this.options.certificates, policies: this.options.policies });
      const lag = config.connection_data_lag_secs * 1000;
      const lookback = task.taskStartTime - config.on_demand_lookback_days * DAY_MS;
      const now = this.options.clock.now();
      const scheduledFrom = previousRun ?? lookback;
      const windows = task.taskType === 'ON_DEMAND_AUDIT_TASK'
        ? { shared: { from: lookback, to: now - lag }, conflicting: { from: lookback, to: now } }
        : { shared: { from: scheduledFrom - lag, to: now - lag }, conflicting: { from: scheduledFrom, to: now } };
      for (const name of task.checkNames) {
        if (state.cancelled || (await this.options.store.getTask(task.taskId))?.taskStatus === 'CANCELED') {
          state.cancelled = true;
          break;
        }
        const check = findCheck(name);
        if (check === undefined) continue;
        if (check.unavailable !== undefined) {
          details[name] = { checkRunStatus: 'FAILED', checkCompliant: false, totalResourcesCount: 0, nonCompliantResourcesCount: 0, errorCode: 'AUDIT_CHECK_DISABLED', message: check.unavailable };
          continue;
        }
        const context: CheckContext = {
          now: this.options.clock.now(),
          taskStartTime: task.taskStartTime,
          taskType: task.taskType,
          settings: { ...CHECK_DEFAULTS[name], ...stored?.checks[name]?.configuration },
          inventory,
          weakKeys: this.weakKeys,
          accountId: this.options.accountId,
          region: this.options.region,
          windows,
          connections: (w: Window) => (w.to < w.from || this.options.connections === undefined ? Promise.resolve([]) : this.options.connections.listConnections(w.from, w.to)),
          logging: () => this.options.store.getLogging(),
          exposure: this.options.exposure ?? { plainMqtt: undefined, plainHttp: [] },
        };
        try {
          const result = await check.run(context);
          const suppressed = await this.activeSuppressions(name);
          const findingTime = this.options.clock.now();
          const findings: AuditFinding[] = result.findings.map((draft) => {
            const key = resourceKey(draft.resource.resourceIdentifier);
            return { findingId: newId(), taskId: task.taskId, checkName: name, taskStartTime: task.taskStartTime, findingTime, severity: check.severity, nonCompliantResource: draft.resource, relatedResources: draft.related ?? [], reasonForNonCompliance: draft.reason, reasonForNonComplianceCode: draft.reasonCode, isSuppressed: suppressed.has(key), resourceKey: key };
          });
          await this.options.store.addFindings(findings);
          const nonCompliant = new Set(findings.map((f) => f.resourceKey));
          const suppressedCount = new Set(findings.filter((f) => f.isSuppressed).map((f) => f.resourceKey)).size;
          const compliant = nonCompliant.size - suppressedCount === 0;
          details[name] = { checkRunStatus: compliant ? 'COMPLETED_COMPLIANT' : 'COMPLETED_NON_COMPLIANT', checkCompliant: compliant, totalResourcesCount: result.totalResourcesCount, nonCompliantResourcesCount: nonCompliant.size, suppressedNonCompliantResourcesCount: suppressedCount };
          this.options.telemetry.count('audit_check_completed', { check: name, status: details[name].checkRunStatus });
        } catch (error) {
          details[name] = { checkRunStatus: 'FAILED', checkCompliant: false, totalResourcesCount: 0, nonCompliantResourcesCount: 0, message: error instanceof Error ? error.message : String(error) };
          this.options.telemetry.emit('component_error', { component: 'audit', code: 'audit.check_failed', stage: name }, { err: error });
        }
        task = { ...task, details: { ...details } };
        await this.options.store.updateTask(task);
      }
      for (const name of task.checkNames) if (details[name]?.checkRunStatus === 'IN_PROGRESS') details[name] = { checkRunStatus: 'CANCELED' };
      const status: AuditTaskStatus = state.cancelled ? 'CANCELED' : 'COMPLETED';
      task = { ...task, taskStatus: status, taskEndTime: this.options.clock.now(), details: { ...details } };
    } catch (error) {
      this.options.telemetry.emit('component_error', { component: 'audit', code: 'audit.task_failed', stage: 'run' }, { err: error });
      for (const name of task.checkNames) if (details[name]?.checkRunStatus === 'IN_PROGRESS') details[name] = { checkRunStatus: 'FAILED', message: 'the audit task failed' };
      task = { ...task, taskStatus: 'FAILED', taskEndTime: this.options.clock.now(), details: { ...details } };
    }
    await this.options.store.updateTask(task);
    this.options.telemetry.emit('audit_task_finished', { task_type: task.taskType, status: task.taskStatus }, { taskId: task.taskId });
    this.finished(task);
    await this.notify(task);
  }

  private async notify(task: AuditTask): Promise<void> {
    const target = (await this.options.store.getConfiguration())?.notificationTarget;
    if (target === undefined || !target.enabled || this.options.notifier === undefined) return;
    const published = await this.options.notifier.publish(target.targetArn, JSON.stringify(auditNotification(task, this.options.accountId)));
    if (!published.ok) this.options.telemetry.emit('component_error', { component: 'audit', code: published.error.code, stage: 'notify' }, { err: published.error.message, target: target.targetArn });
  }

  private async activeSuppressions(checkName: string): Promise<Set<string>> {
    const now = this.options.clock.now();
    const out = new Set<string>();
    for (const s of await pages((cursor) => this.options.store.listSuppressions({ checkName, limit: 250, cursor }))) {
      if (s.suppressIndefinitely || (s.expirationDate !== undefined && s.expirationDate > now)) out.add(s.resourceKey);
    }
    return out;
  }

  async describeTask(taskId: string): Promise<Result<AuditTask>> {
    return present(await this.options.store.getTask(taskId), () => new VigilError('audit.not_found', `audit task ${taskId} does not exist`));
  }

  async listTasks(query: { from: number; to: number; taskType?: AuditTaskType | undefined; taskStatus?: AuditTaskStatus | undefined; limit: number; cursor?: string | undefined }): Promise<Page<AuditTask>> {
    return this.options.store.listTasks(query);
  }

  async cancelTask(taskId: string): Promise<Result<void>> {
    const found = await this.describeTask(taskId);
    if (!found.ok) return found;
    const task = found.value;
    if (task.taskStatus !== 'IN_PROGRESS') return err(new VigilError('audit.invalid_request', `audit task ${taskId} is ${task.taskStatus}; only a task in progress can be canceled`));
    const run = this.running.get(taskId);
    if (run !== undefined) {
      run.cancelled = true;
      await run.done;
      return ok(undefined);
    }
    // A task left IN_PROGRESS by a previous process: nothing runs it any more.
    const details = Object.fromEntries(task.checkNames.map((n) => [n, task.details[n]?.checkRunStatus === 'IN_PROGRESS' ? { checkRunStatus: 'CANCELED' as const } : task.details[n]]));
    const canceled: AuditTask = { ...task, taskStatus: 'CANCELED', taskEndTime: this.options.clock.now(), details: details as AuditTask['details'] };
    await this.options.store.updateTask(canceled);
    this.finished(canceled);
    await this.notify(canceled);
    return ok(undefined);
  }

  // Findings (§6.5)

  async listFindings(query: AuditFindingQuery): Promise<Result<Page<AuditFinding>>> {
    const hasRange = query.from !== undefined || query.to !== undefined;
    if (query.taskId !== undefined && hasRange) return err(new VigilError('audit.invalid_request', 'give either taskId or startTime and endTime, not both'));
    if (query.taskId === undefined && (query.from === undefined || query.to === undefined)) return err(new VigilError('audit.invalid_request', 'give taskId, or both startTime and endTime'));
    return ok(await this.options.store.listFindings(query));
  }

  async describeFinding(findingId: string): Promise<Result<AuditFinding>> {
    return present(await this.options.store.getFinding(findingId), () => new VigilError('audit.not_found', `audit finding ${findingId} does not exist`));
  }
}
