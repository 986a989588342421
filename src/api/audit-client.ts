import { auditContract as a, type AuditConfigurationBody, type AuditConfigurationView, type AuditFindingView, type AuditTaskView, type Body, type Ok, type ScheduledAuditView } from './contract/index.js';
import type { VigilClient } from './client.js';

const enc = encodeURIComponent;
const qs = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${entries.map(([k, v]) => `${k}=${enc(String(v))}`).join('&')}`;
};

/** Typed calls of the audit routes (AWS IoT paths) for the CLI. */
export function auditClient(client: VigilClient) {
  return {
    configuration: () => client.request<AuditConfigurationView>('GET', '/audit/configuration'),
    configure: (body: AuditConfigurationBody) => client.request<void>('PATCH', '/audit/configuration', body),
    start: (targetCheckNames: readonly string[]) => client.request<{ taskId: string }>('POST', '/audit/tasks', { targetCheckNames }),
    task: (taskId: string) => client.request<AuditTaskView>('GET', `/audit/tasks/${enc(taskId)}`),
    tasks: (startTime: number, endTime: number) => client.request<{ tasks: Array<{ taskId: string; taskStatus: string; taskType: string }> }>('GET', `/audit/tasks${qs({ startTime: startTime / 1000, endTime: endTime / 1000 })}`),
    findings: (body: Record<string, unknown>) => client.request<{ findings: AuditFindingView[]; nextToken?: string }>('POST', '/audit/findings', body),
    createSchedule: (name: string, body: Body<typeof a.createScheduledAudit>) => client.request<Ok<typeof a.createScheduledAudit>>('POST', `/audit/scheduledaudits/${enc(name)}`, body),
    updateSchedule: (name: string, body: Body<typeof a.updateScheduledAudit>) => client.request<Ok<typeof a.updateScheduledAudit>>('PATCH', `/audit/scheduledaudits/${enc(name)}`, body),
    schedule: (name: string) => client.request<ScheduledAuditView>('GET', `/audit/scheduledaudits/${enc(name)}`),
    schedules: () => client.request<Ok<typeof a.listScheduledAudits>>('GET', '/audit/scheduledaudits?maxResults=250'),
    deleteSchedule: (name: string) => client.request<void>('DELETE', `/audit/scheduledaudits/${enc(name)}`),
    suppress: (body: Record<string, unknown>) => client.request<void>('POST', '/audit/suppressions/create', body),
    suppressions: () => client.request<{ suppressions: Array<{ checkName: string; resourceIdentifier: Record<string, unknown>; expirationDate?: number; suppressIndefinitely: boolean; description?: string }> }>('POST', '/audit/suppressions/list', {}),
    unsuppress: (body: Record<string, unknown>) => client.request<void>('POST', '/audit/suppressions/delete', body),
    startMitigation: (taskId: string, body: Record<string, unknown>) => client.request<{ taskId: string }>('POST', `/audit/mitigationactions/tasks/${enc(taskId)}`, body),
    mitigation: (taskId: string) => client.request<{ taskStatus: string; taskStatistics: Record<string, Record<string, number>> }>('GET', `/audit/mitigationactions/tasks/${enc(taskId)}`),
    cancelMitigation: (taskId: string) => client.request<void>('PUT', `/audit/mitigationactions/tasks/${enc(taskId)}/cancel`, {}),
    mitigationTasks: (startTime: number, endTime: number) => client.request<{ tasks: Array<{ taskId: string; startTime: number; taskStatus: string }> }>('GET', `/audit/mitigationactions/tasks${qs({ startTime: startTime / 1000, endTime: endTime / 1000 })}`),
    executions: (taskId: string, findingId: string) => client.request<{ actionsExecutions: Array<{ actionName: string; status: string; errorCode?: string; message?: string }> }>('GET', `/audit/mitigationactions/executions${qs({ taskId, findingId })}`),
  };
}

export type AuditClient = ReturnType<typeof auditClient>;
