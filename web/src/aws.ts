import type { ActiveViolation, AuditFindingView, ThingSummary, ViolationEvent } from '../../src/api/contract/index.js';
import { api, enc } from './api';

/** Typed calls of the AWS IoT-compatible routes the console uses; the shapes are the server's contract (src/api/contract). */
export type ThingItem = ThingSummary;
export type { ActiveViolation, ViolationEvent };
export type AuditFinding = AuditFindingView;
export interface AuditTaskItem { taskId: string; taskStatus: string; taskType: string }
export interface StreamHealth { name: string; status?: Record<string, unknown>; error?: string }

export async function listThings(): Promise<ThingItem[]> {
  const out: ThingItem[] = [];
  let token: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await api<{ things: ThingItem[]; nextToken?: string }>('GET', `/things?maxResults=250${token === undefined ? '' : `&nextToken=${enc(token)}`}`);
    out.push(...page.things);
    token = page.nextToken ?? undefined;
    if (token === undefined) break;
  }
  return out;
}

export async function listThingGroups(): Promise<string[]> {
  const page = await api<{ thingGroups: Array<{ groupName: string }> }>('GET', '/thing-groups?maxResults=250');
  return page.thingGroups.map((g) => g.groupName);
}

export async function thingsInGroup(group: string): Promise<string[]> {
  const page = await api<{ things: string[] }>('GET', `/thing-groups/${enc(group)}/things?maxResults=250&recursive=true`);
  return page.things;
}

export async function activeViolations(thingName?: string): Promise<ActiveViolation[]> {
  const page = await api<{ activeViolations: ActiveViolation[] }>('GET', `/active-violations?maxResults=250${thingName === undefined ? '' : `&thingName=${enc(thingName)}`}`);
  return page.activeViolations ?? [];
}

export async function violationEvents(days: number, thingName?: string): Promise<ViolationEvent[]> {
  const end = new Date(Date.now() + 60_000).toISOString();
  const start = new Date(Date.now() - days * 86_400_000).toISOString();
  const page = await api<{ violationEvents: ViolationEvent[] }>('GET', `/violation-events?startTime=${enc(start)}&endTime=${enc(end)}&maxResults=250${thingName === undefined ? '' : `&thingName=${enc(thingName)}`}`);
  return page.violationEvents ?? [];
}

export async function auditFindings(filter: { checkName?: string; taskId?: string; days?: number } = {}): Promise<AuditFinding[]> {
  // ListAuditFindings: without listSuppressedFindings both suppressed and open findings come back.
  const body: Record<string, unknown> = { maxResults: 250 };
  if (filter.taskId !== undefined) body['taskId'] = filter.taskId;
  else {
    body['startTime'] = Math.floor((Date.now() - (filter.days ?? 30) * 86_400_000) / 1000);
    body['endTime'] = Math.ceil((Date.now() + 60_000) / 1000);
  }
  if (filter.checkName !== undefined && filter.checkName !== '') body['checkName'] = filter.checkName;
  const page = await api<{ findings: AuditFinding[] }>('POST', '/audit/findings', body);
  return page.findings ?? [];
}

export async function auditTasks(days = 30): Promise<AuditTaskItem[]> {
  const end = new Date(Date.now() + 60_000).toISOString();
  const start = new Date(Date.now() - days * 86_400_000).toISOString();
  const page = await api<{ tasks: AuditTaskItem[] }>('GET', `/audit/tasks?startTime=${enc(start)}&endTime=${enc(end)}&maxResults=250`);
  return page.tasks ?? [];
}

export async function streamsHealth(): Promise<StreamHealth[]> {
  const { streams } = await api<{ streams: Array<{ name: string }> }>('GET', '/api/v1/streams');
  return Promise.all(
    streams.map(async (s) => {
      try {
        return { name: s.name, status: await api<Record<string, unknown>>('GET', `/api/v1/streams/${enc(s.name)}/status`) };
      } catch (e) {
        return { name: s.name, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}

export function certificateIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
