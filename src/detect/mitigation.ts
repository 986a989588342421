import { VigilError, err, newId, ok, pages, present, type Clock, type Result } from '../core/index.js';
import type { DetectMitigationExecution, DetectMitigationTask, MitigationAction, MitigationActionType, MitigationStore, Tag, ThingDirectory, Violation, ViolationStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { ACTION_NAME, type Arns } from '../protocol/index.js';
import { limitOf, type Paged } from './profiles.js';

/** `actionParams` member → action type (§7.1). */
const PARAM_TYPES: Readonly<Record<string, MitigationActionType>> = {
  updateDeviceCertificateParams: 'UPDATE_DEVICE_CERTIFICATE',
  updateCACertificateParams: 'UPDATE_CA_CERTIFICATE',
  addThingsToThingGroupParams: 'ADD_THINGS_TO_THING_GROUP',
  replaceDefaultPolicyVersionParams: 'REPLACE_DEFAULT_POLICY_VERSION',
  enableIoTLoggingParams: 'ENABLE_IOT_LOGGING',
  publishFindingToSnsParams: 'PUBLISH_FINDING_TO_SNS',
};

export interface StartTaskInput {
  readonly target?: { readonly violationIds?: readonly string[]; readonly securityProfileName?: string; readonly behaviorName?: string } | undefined;
  readonly actions?: readonly string[] | undefined;
  readonly violationEventOccurrenceRange?: { readonly startTime: number; readonly endTime: number } | undefined;
  readonly includeOnlyActiveViolations?: boolean | undefined;
  readonly includeSuppressedAlerts?: boolean | undefined;
  readonly clientRequestToken?: string | undefined;
}

export type MitigationService = ReturnType<typeof mitigationService>;

/** Mitigation action definitions (shared with audit) and detect mitigation tasks (§7.1, §7.3). */
export function mitigationService(deps: { store: MitigationStore; violations: ViolationStore; directory: ThingDirectory; clock: Clock; telemetry: Telemetry; arns: Arns }) {
  const { store } = deps;
  const running = new Set<Promise<void>>();
  const canceled = new Set<string>();
  const actionArn = (name: string) => deps.arns.mitigationAction(name);

  function typeOf(params: unknown): Result<MitigationActionType> {
    if (typeof params !== 'object' || params === null) return err(new VigilError('mitigation_action.invalid_request', 'actionParams is required'));
    const members = Object.keys(params).filter((k) => (params as Record<string, unknown>)[k] !== undefined);
    const type = members.length === 1 ? PARAM_TYPES[members[0] as string] : undefined;
    if (type === undefined) return err(new VigilError('mitigation_action.invalid_request', `actionParams must carry exactly one of ${Object.keys(PARAM_TYPES).join(', ')}`));
    if (type === 'ADD_THINGS_TO_THING_GROUP') {
      const names = (params as { addThingsToThingGroupParams: { thingGroupNames?: unknown } }).addThingsToThingGroupParams.thingGroupNames;
      if (!Array.isArray(names) || names.length < 1 || names.length > 10 || !names.every((n) => typeof n === 'string' && n !== '')) return err(new VigilError('mitigation_action.invalid_request', 'addThingsToThingGroupParams.thingGroupNames must hold 1..10 group names'));
    }
    return ok(type);
  }

  async function requireAction(name: string): Promise<Result<MitigationAction>> {
    return present(await store.getAction(name), () => new VigilError('mitigation_action.not_found', `no mitigation action named ${name}`));
  }

  async function requireTask(taskId: string): Promise<Result<DetectMitigationTask>> {
    return present(await store.getTask(taskId), () => new VigilError('detect_mitigation.not_found', `no detect mitigation task with id ${taskId}`));
  }

  /** One action on one violation: only ADD_THINGS_TO_THING_GROUP is a detect mitigation action. */
  async function apply(action: MitigationAction, violation: Violation): Promise<Result<void>> {
    if (action.actionType !== 'ADD_THINGS_TO_THING_GROUP') return err(new VigilError('mitigation_action.invalid_request', `${action.actionType} is not a detect mitigation action (only ADD_THINGS_TO_THING_GROUP)`));
    const groups = (action.params['addThingsToThingGroupParams'] as { thingGroupNames: string[] }).thingGroupNames;
    for (const group of groups) {
      const added = await deps.directory.addThingToGroup(group, violation.thingName);
      if (!added.ok) return added;
    }
    return ok(undefined);
  }

  async function violationsOf(task: DetectMitigationTask): Promise<Violation[]> {
    const found: Violation[] = [];
    if (task.target.violationIds !== undefined) {
      for (const id of task.target.violationIds) {
        const v = await deps.violations.getViolation(id);
        if (v !== undefined) found.push(v);
      }
    } else if (task.onlyActive) {
      found.push(...(await pages((cursor) => deps.violations.listActive({ limit: 250, cursor, profileName: task.target.securityProfileName }))));
    } else {
      const events = await pages((cursor) => deps.violations.listEvents({ limit: 250, cursor, profileName: task.target.securityProfileName, from: task.range?.startTime ?? 0, to: (task.range?.endTime ?? task.startTime) + 1 }));
      for (const id of new Set(events.map((e) => e.violationId))) {
        const v = await deps.violations.getViolation(id);
        if (v !== undefined) found.push(v);
      }
    }
    return found.filter((v) => {
      if (task.target.behaviorName !== undefined && v.behavior.name !== task.target.behaviorName) return false;
      if (!task.includeSuppressed && v.suppressed) return false;
      if (task.onlyActive && v.endTime !== undefined) return false;
      if (task.range !== undefined && (v.startTime > task.range.endTime || (v.endTime ?? Number.POSITIVE_INFINITY) < task.range.startTime)) return false;
      return true;
    });
  }

  async function run(initial: DetectMitigationTask): Promise<void> {
    let task = initial;
    const stats = { actionsExecuted: 0, actionsSkipped: 0, actionsFailed: 0 };
    const execute = async (violation: Violation, action: MitigationAction, skip: boolean): Promise<boolean> => {
      const startTime = deps.clock.now();
      const base = { taskId: task.taskId, violationId: violation.violationId, actionName: action.name, thingName: violation.thingName, startTime };
      if (skip || canceled.has(task.taskId)) {
        stats.actionsSkipped += 1;
        await store.addExecution({ ...base, endTime: startTime, status: 'SKIPPED', errorCode: undefined, message: skip ? 'an earlier action for this violation failed' : 'the task was canceled' });
        return false;
      }
      let outcome: DetectMitigationExecution;
      try {
        const applied = await apply(action, violation);
        if (applied.ok) {
          stats.actionsExecuted += 1;
          outcome = { ...base, endTime: deps.clock.now(), status: 'SUCCESSFUL', errorCode: undefined, message: undefined };
        } else {
          stats.actionsFailed += 1;
          outcome = { ...base, endTime: deps.clock.now(), status: 'FAILED', errorCode: applied.error.code, message: applied.error.message };
        }
      } catch (error) {
        // A store or directory that throws: the execution fails and the task goes on.
        stats.actionsFailed += 1;
        outcome = { ...base, endTime: deps.clock.now(), status: 'FAILED', errorCode: error instanceof VigilError ? error.code : 'internal.error', message: error instanceof Error ? error.message : String(error) };
      }
      await store.addExecution(outcome);
      return outcome.status === 'SUCCESSFUL';
    };
    try {
      for (const violation of await violationsOf(task)) {
        let failed = false;
        for (const action of task.actions) failed = !(await execute(violation, action, failed)) || failed;
      }
    } catch (error) {
      stats.actionsFailed += 1;
      deps.telemetry.emit('component_error', { component: 'detect', code: 'detect_mitigation.failed', stage: 'task' }, { taskId: task.taskId, err: error instanceof Error ? error.message : String(error) });
    }
    const current = (await store.getTask(task.taskId)) ?? task;
    const status = current.status === 'CANCELED' || canceled.has(task.taskId) ? 'CANCELED' : stats.actionsFailed > 0 ? 'FAILED' : 'SUCCESSFUL';
    task = { ...current, status, endTime: current.endTime ?? deps.clock.now(), statistics: stats };
    await store.updateTask(task);
    canceled.delete(task.taskId);
    deps.telemetry.emit('detect_mitigation_task', { status }, { taskId: task.taskId, ...stats });
  }

  return {
    actionArn,

    async createAction(name: string, input: { roleArn?: string | undefined; actionParams?: unknown; tags?: readonly Tag[] | undefined }): Promise<Result<MitigationAction>> {
      if (!ACTION_NAME.pattern.test(name)) return err(new VigilError('mitigation_action.invalid_request', `actionName must be ${ACTION_NAME.rule}`));
      if (typeof input.roleArn !== 'string' || input.roleArn.length < 20) return err(new VigilError('mitigation_action.invalid_request', 'roleArn is required (20..2048 characters)'));
      const actionType = typeOf(input.actionParams);
      if (!actionType.ok) return actionType;
      const now = deps.clock.now();
      const action: MitigationAction = { name, id: newId(), actionType: actionType.value, roleArn: input.roleArn, params: input.actionParams as Record<string, unknown>, tags: input.tags ?? [], createdAt: now, updatedAt: now };
      if (!(await store.createAction(action))) return err(new VigilError('mitigation_action.already_exists', `mitigation action ${name} already exists`, { details: { resourceId: name, resourceArn: actionArn(name) } }));
      deps.telemetry.emit('detect_profile_changed', { resource: 'mitigation_action', action: 'create' }, { name, actionType: action.actionType });
      return ok(action);
    },

    describeAction: requireAction,

    async updateAction(name: string, input: { roleArn?: string | undefined; actionParams?: unknown }): Promise<Result<MitigationAction>> {
      const found = await requireAction(name);
      if (!found.ok) return found;
      const action = found.value;
      const actionType = input.actionParams === undefined ? ok(action.actionType) : typeOf(input.actionParams);
      if (!actionType.ok) return actionType;
      if (actionType.value !== action.actionType) return err(new VigilError('mitigation_action.invalid_request', `the action type of ${name} is ${action.actionType} and cannot change`));
      const updated: MitigationAction = { ...action, roleArn: input.roleArn ?? action.roleArn, params: (input.actionParams as Record<string, unknown> | undefined) ?? action.params, updatedAt: deps.clock.now() };
      await store.updateAction(updated);
      deps.telemetry.emit('detect_profile_changed', { resource: 'mitigation_action', action: 'update' }, { name });
      return ok(updated);
    },

    async deleteAction(name: string): Promise<Result<void>> {
      if (await store.deleteAction(name)) deps.telemetry.emit('detect_profile_changed', { resource: 'mitigation_action', action: 'delete' }, { name });
      return ok(undefined);
    },

    async listActions(query: { actionType?: string | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<MitigationAction>>> {
      if (query.actionType !== undefined && !Object.values(PARAM_TYPES).includes(query.actionType as MitigationActionType)) return err(new VigilError('mitigation_action.invalid_request', `unknown actionType ${query.actionType}`));
      const limit = limitOf(query.maxResults);
      if (!limit.ok) return limit;
      const page = await store.listActions({ limit: limit.value, cursor: query.nextToken, actionType: query.actionType as MitigationActionType | undefined });
      return ok({ items: page.items, nextToken: page.next });
    },

    async startTask(taskId: string, input: StartTaskInput): Promise<Result<string>> {
      if (!ACTION_NAME.pattern.test(taskId)) return err(new VigilError('detect_mitigation.invalid_request', `taskId must be ${ACTION_NAME.rule}`));
      const existing = await store.getTask(taskId);
      if (existing !== undefined) {
        if (input.clientRequestToken !== undefined && existing.clientRequestToken === input.clientRequestToken) return ok(taskId);
        return err(new VigilError('detect_mitigation.task_already_exists', `a detect mitigation task with id ${taskId} already exists`));
      }
      const target = input.target ?? {};
      const ids = target.violationIds;
      if ((ids === undefined) === (target.securityProfileName === undefined)) return err(new VigilError('detect_mitigation.invalid_request', 'target needs exactly one of violationIds and securityProfileName'));
      if (ids !== undefined && (ids.length < 1 || ids.length > 25)) return err(new VigilError('detect_mitigation.invalid_request', 'target.violationIds holds 1..25 ids'));
      if (target.behaviorName !== undefined && target.securityProfileName === undefined) return err(new VigilError('detect_mitigation.invalid_request', 'target.behaviorName needs target.securityProfileName'));
      const names = input.actions ?? [];
      if (names.length < 1 || names.length > 5) return err(new VigilError('detect_mitigation.invalid_request', 'actions holds 1..5 mitigation action names'));
      const actions: MitigationAction[] = [];
      for (const name of names) {
        const action = await requireAction(name);
        if (!action.ok) return action;
        if (action.value.actionType !== 'ADD_THINGS_TO_THING_GROUP') return err(new VigilError('detect_mitigation.invalid_request', `action ${name} is ${action.value.actionType}; detect mitigation supports only ADD_THINGS_TO_THING_GROUP`));
        actions.push(action.value);
      }
      const range = input.violationEventOccurrenceRange;
      if (range !== undefined && !(range.startTime <= range.endTime)) return err(new VigilError('detect_mitigation.invalid_request', 'violationEventOccurrenceRange.startTime must not be after endTime'));
      const task: DetectMitigationTask = {
        taskId,
        status: 'IN_PROGRESS',
        startTime: deps.clock.now(),
        endTime: undefined,
        target,
        actions,
        range,
        onlyActive: input.includeOnlyActiveViolations === true,
        includeSuppressed: input.includeSuppressedAlerts === true,
        statistics: { actionsExecuted: 0, actionsSkipped: 0, actionsFailed: 0 },
        clientRequestToken: input.clientRequestToken ?? newId(),
      };
      if (!(await store.createTask(task))) return err(new VigilError('detect_mitigation.task_already_exists', `a detect mitigation task with id ${taskId} already exists`));
      const work = run(task).catch((error: unknown) => deps.telemetry.emit('component_error', { component: 'detect', code: 'detect_mitigation.failed', stage: 'task' }, { taskId, err: String(error) }));
      running.add(work);
      void work.finally(() => running.delete(work));
      return ok(taskId);
    },

    describeTask: requireTask,

    async cancelTask(taskId: string): Promise<Result<void>> {
      const found = await requireTask(taskId);
      if (!found.ok) return found;
      const task = found.value;
      if (task.status !== 'IN_PROGRESS') return err(new VigilError('detect_mitigation.invalid_request', `task ${taskId} is ${task.status}; only IN_PROGRESS tasks can be canceled`));
      canceled.add(taskId);
      await store.updateTask({ ...task, status: 'CANCELED', endTime: deps.clock.now() });
      return ok(undefined);
    },

    async listTasks(query: { startTime: number | undefined; endTime: number | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<DetectMitigationTask>>> {
      if (query.startTime === undefined || query.endTime === undefined) return err(new VigilError('detect_mitigation.invalid_request', 'startTime and endTime are required'));
      const limit = limitOf(query.maxResults);
      if (!limit.ok) return limit;
      const page = await store.listTasks({ limit: limit.value, cursor: query.nextToken, from: query.startTime, to: query.endTime + 1 });
      return ok({ items: page.items, nextToken: page.next });
    },

    async listExecutions(query: { taskId?: string | undefined; violationId?: string | undefined; thingName?: string | undefined; startTime?: number | undefined; endTime?: number | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<DetectMitigationExecution>>> {
      const limit = limitOf(query.maxResults);
      if (!limit.ok) return limit;
      const page = await store.listExecutions({ limit: limit.value, cursor: query.nextToken, taskId: query.taskId, violationId: query.violationId, thingName: query.thingName, from: query.startTime, to: query.endTime === undefined ? undefined : query.endTime + 1 });
      return ok({ items: page.items, nextToken: page.next });
    },

    /** Resolves once every running task finished. */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
