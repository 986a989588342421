import { afterEach, describe, expect, it } from 'vitest';
import type { DetectMitigationTask, MitigationAction } from '../../src/model/index.js';
import { detectMitigationRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

const action = (name: string, type: MitigationAction['actionType'] = 'ADD_THINGS_TO_THING_GROUP'): MitigationAction => ({ name, id: name.padEnd(32, '0'), actionType: type, roleArn: 'arn:aws:iam::000000000000:role/m', params: { addThingsToThingGroupParams: { thingGroupNames: ['q'] } }, tags: [], createdAt: 1, updatedAt: 1 });

const task = (taskId: string, startTime: number): DetectMitigationTask => ({ taskId, status: 'IN_PROGRESS', startTime, endTime: undefined, target: { violationIds: ['v1'] }, actions: [action('q')], range: undefined, onlyActive: false, includeSuppressed: false, statistics: { actionsExecuted: 0, actionsSkipped: 0, actionsFailed: 0 }, clientRequestToken: 'tok' });

export function detectMitigationConformance(open: OpenRegistry): void {
  describe('detect mitigation repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('keeps mitigation actions with type filter and paging', async () => {
      registry = await open();
      const store = detectMitigationRepository(registry);
      expect(await store.createAction(action('b'))).toBe(true);
      expect(await store.createAction(action('a'))).toBe(true);
      expect(await store.createAction(action('c', 'UPDATE_DEVICE_CERTIFICATE'))).toBe(true);
      expect(await store.createAction(action('a'))).toBe(false);
      expect(await store.getAction('a')).toEqual(action('a'));
      expect((await store.listActions({ limit: 10, actionType: 'ADD_THINGS_TO_THING_GROUP' })).items.map((x) => x.name)).toEqual(['a', 'b']);
      const first = await store.listActions({ limit: 2 });
      expect((await store.listActions({ limit: 2, cursor: first.next })).items.map((x) => x.name)).toEqual(['c']);
      expect(await store.updateAction({ ...action('a'), roleArn: 'arn:aws:iam::000000000000:role/other', updatedAt: 9 })).toBe(true);
      expect((await store.getAction('a'))?.roleArn).toBe('arn:aws:iam::000000000000:role/other');
      expect(await store.deleteAction('a')).toBe(true);
      expect(await store.deleteAction('a')).toBe(false);
    });

    it('keeps tasks and their executions', async () => {
      registry = await open();
      const store = detectMitigationRepository(registry);
      expect(await store.createTask(task('t1', 100))).toBe(true);
      expect(await store.createTask(task('t1', 100))).toBe(false);
      expect(await store.createTask(task('t2', 200))).toBe(true);
      await store.updateTask({ ...task('t1', 100), status: 'SUCCESSFUL', endTime: 150 });
      expect(await store.getTask('t1')).toEqual({ ...task('t1', 100), status: 'SUCCESSFUL', endTime: 150 });
      expect((await store.listTasks({ limit: 10, from: 150, to: 300 })).items.map((t) => t.taskId)).toEqual(['t2']);
      await store.addExecution({ taskId: 't1', violationId: 'v1', actionName: 'q', thingName: 'cam', startTime: 110, endTime: undefined, status: 'IN_PROGRESS', errorCode: undefined, message: undefined });
      await store.addExecution({ taskId: 't1', violationId: 'v1', actionName: 'q', thingName: 'cam', startTime: 110, endTime: 120, status: 'FAILED', errorCode: 'thing_group.not_found', message: 'no group' });
      await store.addExecution({ taskId: 't2', violationId: 'v2', actionName: 'q', thingName: 'dog', startTime: 210, endTime: 220, status: 'SUCCESSFUL', errorCode: undefined, message: undefined });
      expect((await store.listExecutions({ limit: 10, taskId: 't1' })).items).toEqual([{ taskId: 't1', violationId: 'v1', actionName: 'q', thingName: 'cam', startTime: 110, endTime: 120, status: 'FAILED', errorCode: 'thing_group.not_found', message: 'no group' }]);
      expect((await store.listExecutions({ limit: 10, thingName: 'dog' })).items).toHaveLength(1);
      const page = await store.listExecutions({ limit: 1 });
      expect((await store.listExecutions({ limit: 1, cursor: page.next })).items.map((e) => e.taskId)).toEqual(['t2']);
    });
  });
}
