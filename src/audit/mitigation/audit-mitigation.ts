import { VigilError, err, ok, pages, toVigilError, type Clock, type Result } from '../../core/index.js';
import type { AuditFinding, AuditMitigationExecution, AuditMitigationTarget, AuditMitigationTask, AuditMitigationTaskStatus, AuditRegistryActions, AuditStore, MitigationAction, MitigationActionReader, MitigationActionType, Notifier, Page } from '../../model/index.js';
import { ACTION_NAME } from '../../protocol/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import { findCheck } from '../checks/index.js';
import { ACTION_EXECUTORS } from './actions.js';


/** Action types a check's findings accept (device-defender.md §6.2 last column; SNS for every check). */
export function allowedActions(checkName: string): ReadonlySet<MitigationActionType> {
  return new Set([...(findCheck(checkName)?.mitigations ?? []), 'PUBLISH_FINDING_TO_SNS']);
}

export interface StartMitigationInput {
  readonly target: AuditMitigationTarget;
  readonly auditCheckToActionsMapping: Readonly<Record<string, readonly string[]>>;
  readonly clientRequestToken: string;
}

export interface AuditMitigationDeps {
  readonly store: AuditStore;
  readonly actions: MitigationActionReader;
  readonly registry: AuditRegistryActions;
  readonly notifier: Notifier | undefined;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly accountId: string;
}

export interface CheckStatistics {
  totalFindingsCount: number;
  failedFindingsCount: number;
  succeededFindingsCount: number;
  skippedFindingsCount: number;
  canceledFindingsCount: number;
}

/** Audit mitigation tasks (§7.2): one execution per action per finding; a failure skips the finding's later actions. */
export class AuditMitigation {
  private readonly running = new Map<string, { cancelled: boolean; done: Promise<void> }>();

  constructor(private readonly deps: AuditMitigationDeps) {}

  async start(taskId: string, input: StartMitigationInput): Promise<Result<string>> {
    if (!ACTION_NAME.pattern.test(taskId)) return err(new VigilError('audit.invalid_request', `"${taskId}" is not a valid task id`, { hint: ACTION_NAME.rule }));
    const existing = await this.deps.store.getMitigationTask(taskId);
    if (existing !== undefined) {
      if (existing.clientRequestToken === input.clientRequestToken) return ok(taskId);
      return err(new VigilError('audit.already_exists', `audit mitigation task ${taskId} already exists`));
    }
    const resolvedActions = await this.resolveActions(input.auditCheckToActionsMapping);
    if (!resolvedActions.ok) return resolvedActions;
    const actionsByName = resolvedActions.value;
    const resolvedFindings = await this.resolveFindings(input.target, input.auditCheckToActionsMapping);
    if (!resolvedFindings.ok) return resolvedFindings;
    const findings = resolvedFindings.value;
    const now = this.deps.clock.now();
    const task: AuditMitigationTask = {
      taskId,
      taskStatus: 'IN_PROGRESS',
      startTime: now,
      endTime: undefined,
      target: input.target,
      auditCheckToActionsMapping: input.auditCheckToActionsMapping,
      actions: [...actionsByName.values()],
      clientRequestToken: input.clientRequestToken,
      auditTaskId: input.target.auditTaskId ?? findings[0]?.taskId,
    };
    if (!(await this.deps.store.createMitigationTask(task))) return err(new VigilError('audit.already_exists', `audit mitigation task ${taskId} already exists`));
    const executions: AuditMitigationExecution[] = findings.flatMap((f) =>
      (input.auditCheckToActionsMapping[f.checkName] ?? []).map((actionName, order) => {
        const action = actionsByName.get(actionName) as MitigationAction;
        return { taskId, findingId: f.findingId, checkName: f.checkName, actionName, actionId: action.id, order, status: 'PENDING' as const, startTime: undefined, endTime: undefined, errorCode: undefined, message: undefined };
      }),
    );
    await this.deps.store.putExecutions(executions);
    const state = { cancelled: false, done: Promise.resolve() };
    state.done = this.run(task, findings, executions, actionsByName, state).finally(() => this.running.delete(taskId));
    this.running.set(taskId, state);
    return ok(taskId);
  }

  private async resolveActions(mapping: Readonly<Record<string, readonly string[]>>): Promise<Result<Map<string, MitigationAction>>> {
    const entries = Object.entries(mapping);
    if (entries.length === 0) return err(new VigilError('audit.invalid_request', 'auditCheckToActionsMapping must map at least one check'));
    const out = new Map<string, MitigationAction>();
    for (const [checkName, names] of entries) {
      if (findCheck(checkName) === undefined) return err(new VigilError('audit.invalid_check', `"${checkName}" is not an audit check`));
      if (names.length < 1 || names.length > 5) return err(new VigilError('audit.invalid_request', `${checkName}: map 1..5 actions`));
      const allowed = allowedActions(checkName);
      for (const name of names) {
        const action = out.get(name) ?? (await this.deps.actions.getAction(name));
        if (action === undefined) return err(new VigilError('audit.invalid_request', `mitigation action ${name} does not exist`));
        if (!allowed.has(action.actionType)) return err(new VigilError('audit.invalid_request', `${action.actionType} (action ${name}) cannot be applied to ${checkName} findings`, { hint: `allowed: ${[...allowed].join(', ')}` }));
        out.set(name, action);
      }
    }
    return ok(out);
  }

  private async resolveFindings(target: AuditMitigationTarget, mapping: Readonly<Record<string, readonly string[]>>): Promise<Result<AuditFinding[]>> {
    const byTask = target.auditTaskId !== undefined;
    const byIds = target.findingIds !== undefined;
    if (byTask === byIds) return err(new VigilError('audit.invalid_request', 'target needs exactly one of auditTaskId or findingIds'));
    if (target.auditCheckToReasonCodeFilter !== undefined && !byTask) return err(new VigilError('audit.invalid_request', 'auditCheckToReasonCodeFilter needs auditTaskId'));
    let findings: AuditFinding[] = [];
    if (byIds) {
      const ids = target.findingIds ?? [];
      if (ids.length < 1 || ids.length > 25) return err(new VigilError('audit.invalid_request', 'findingIds takes 1..25 ids'));
      for (const id of ids) {
        const finding = await this.deps.store.getFinding(id);
        if (finding === undefined) return err(new VigilError('audit.not_found', `audit finding ${id} does not exist`));
        findings.push(finding);
      }
    } else {
      const taskId = target.auditTaskId as string;
      findings = await pages((cursor) => this.deps.store.listFindings({ taskId, limit: 250, cursor }));
      const filter = target.auditCheckToReasonCodeFilter;
      if (filter !== undefined) findings = findings.filter((f) => filter[f.checkName]?.includes(f.reasonForNonComplianceCode) ?? false);
    }
    // Suppressed findings are never mitigated; findings of unmapped checks have nothing to run.
    return ok(findings.filter((f) => !f.isSuppressed && mapping[f.checkName] !== undefined));
  }

  private async run(task: AuditMitigationTask, findings: readonly AuditFinding[], executions: AuditMitigationExecution[], actions: ReadonlyMap<string, MitigationAction>, state: { cancelled: boolean }): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const ports = { registry: this.deps.registry, store: this.deps.store, notifier: this.deps.notifier, accountId: this.deps.accountId };
    let anyFailed = false;
    for (const finding of findings) {
      let failed = false;
      for (const execution of executions.filter((e) => e.findingId === finding.findingId)) {
        const action = actions.get(execution.actionName) as MitigationAction;
        let done: AuditMitigationExecution;
        if (state.cancelled || (await this.deps.store.getMitigationTask(task.taskId))?.taskStatus === 'CANCELED') {
          state.cancelled = true;
          done = { ...execution, status: 'CANCELED' };
        } else if (failed) {
          done = { ...execution, status: 'SKIPPED', message: 'an earlier action on this finding failed' };
        } else {
          const startTime = this.deps.clock.now();
          let outcome: Result<string | undefined>;
          try {
            outcome = await ACTION_EXECUTORS[action.actionType](action, finding, ports, task.taskId);
          } catch (error) {
            // A store or port that throws: this execution fails and the task goes on.
            outcome = err(toVigilError(error, 'internal.error'));
          }
          if (outcome.ok) done = { ...execution, status: 'COMPLETED', startTime, endTime: this.deps.clock.now(), message: outcome.value };
          else {
            failed = true;
            anyFailed = true;
            done = { ...execution, status: 'FAILED', startTime, endTime: this.deps.clock.now(), errorCode: outcome.error.code, message: outcome.error.message };
          }
        }
        await this.deps.store.putExecutions([done]);
        this.deps.telemetry.emit('audit_mitigation_executed', { action_type: action.actionType, status: done.status }, { taskId: task.taskId, findingId: finding.findingId });
      }
    }
    const status: AuditMitigationTaskStatus = state.cancelled ? 'CANCELED' : anyFailed ? 'FAILED' : 'COMPLETED';
    await this.deps.store.updateMitigationTask({ ...task, taskStatus: status, endTime: this.deps.clock.now() });
  }

  async describe(taskId: string): Promise<Result<{ task: AuditMitigationTask; statistics: Record<string, CheckStatistics> }>> {
    const task = await this.deps.store.getMitigationTask(taskId);
    if (task === undefined) return err(new VigilError('audit.not_found', `audit mitigation task ${taskId} does not exist`));
    const byFinding = new Map<string, AuditMitigationExecution[]>();
    for (const e of await this.allExecutions(taskId)) byFinding.set(e.findingId, [...(byFinding.get(e.findingId) ?? []), e]);
    const statistics: Record<string, CheckStatistics> = {};
    for (const list of byFinding.values()) {
      const check = (list[0] as AuditMitigationExecution).checkName;
      const s = (statistics[check] ??= { totalFindingsCount: 0, failedFindingsCount: 0, succeededFindingsCount: 0, skippedFindingsCount: 0, canceledFindingsCount: 0 });
      s.totalFindingsCount++;
      if (list.some((e) => e.status === 'FAILED')) s.failedFindingsCount++;
      else if (list.some((e) => e.status === 'CANCELED')) s.canceledFindingsCount++;
      else if (list.every((e) => e.status === 'COMPLETED')) s.succeededFindingsCount++;
      else if (list.every((e) => e.status === 'SKIPPED')) s.skippedFindingsCount++;
    }
    return ok({ task, statistics });
  }

  private allExecutions(taskId: string): Promise<AuditMitigationExecution[]> {
    return pages((cursor) => this.deps.store.listExecutions({ taskId, limit: 1000, cursor }));
  }

  list(query: Parameters<AuditStore['listMitigationTasks']>[0]): Promise<Page<AuditMitigationTask>> {
    return this.deps.store.listMitigationTasks(query);
  }

  executions(query: Parameters<AuditStore['listExecutions']>[0]): Promise<Page<AuditMitigationExecution>> {
    return this.deps.store.listExecutions(query);
  }

  async cancel(taskId: string): Promise<Result<void>> {
    const described = await this.describe(taskId);
    if (!described.ok) return described;
    const { task } = described.value;
    if (task.taskStatus !== 'IN_PROGRESS') return err(new VigilError('audit.invalid_request', `audit mitigation task ${taskId} is ${task.taskStatus}; only a task in progress can be canceled`));
    const run = this.running.get(taskId);
    if (run !== undefined) {
      run.cancelled = true;
      await run.done;
      return ok(undefined);
    }
    const pending = (await this.allExecutions(taskId)).filter((e) => e.status === 'PENDING' || e.status === 'IN_PROGRESS');
    await this.deps.store.putExecutions(pending.map((e) => ({ ...e, status: 'CANCELED' as const })));
    await this.deps.store.updateMitigationTask({ ...task, taskStatus: 'CANCELED', endTime: this.deps.clock.now() });
    return ok(undefined);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
