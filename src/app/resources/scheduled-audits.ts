import { Type } from 'typebox';
import { ACTION_NAME } from '../../protocol/index.js';
import { defined, enc, type ResourceKind, type Spec } from './resource-kind.js';

interface ScheduledAudit {
  scheduledAuditName: string;
  frequency: string;
  dayOfMonth?: string;
  dayOfWeek?: string;
  targetCheckNames: string[];
}

const toSpec = (a: ScheduledAudit): Spec => defined({ scheduledAuditName: a.scheduledAuditName, frequency: a.frequency, dayOfMonth: a.dayOfMonth, dayOfWeek: a.dayOfWeek, targetCheckNames: [...a.targetCheckNames].sort() });
const body = (spec: Spec): Spec => defined({ frequency: spec['frequency'], dayOfMonth: spec['dayOfMonth'], dayOfWeek: spec['dayOfWeek'], targetCheckNames: spec['targetCheckNames'] });

/** Scheduled audits (DAILY, WEEKLY, BIWEEKLY, MONTHLY). */
export const scheduledAudits: ResourceKind = {
  key: 'scheduled_audits',
  label: 'scheduled audit',
  nameField: 'scheduledAuditName',
  schema: Type.Object(
    {
      scheduledAuditName: Type.String({ pattern: ACTION_NAME.source }),
      frequency: Type.Union([Type.Literal('DAILY'), Type.Literal('WEEKLY'), Type.Literal('BIWEEKLY'), Type.Literal('MONTHLY')]),
      dayOfMonth: Type.Optional(Type.String()),
      dayOfWeek: Type.Optional(Type.Union(['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'].map((d) => Type.Literal(d)))),
      targetCheckNames: Type.Array(Type.String({ pattern: '^[A-Z0-9_]+$' }), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
  normalize: (spec) => ({ ...spec, targetCheckNames: [...((spec['targetCheckNames'] as string[] | undefined) ?? [])].sort() }),
  async list({ client }) {
    const listed = await client.request<{ scheduledAudits: Array<{ scheduledAuditName: string }> }>('GET', '/audit/scheduledaudits?maxResults=250');
    const specs: Spec[] = [];
    for (const { scheduledAuditName } of listed.scheduledAudits) specs.push(toSpec(await client.request<ScheduledAudit>('GET', `/audit/scheduledaudits/${enc(scheduledAuditName)}`)));
    return specs;
  },
  async create({ client }, spec) {
    await client.request('POST', `/audit/scheduledaudits/${enc(spec['scheduledAuditName'] as string)}`, body(spec));
  },
  async update({ client }, desired) {
    await client.request('PATCH', `/audit/scheduledaudits/${enc(desired['scheduledAuditName'] as string)}`, body(desired));
  },
  async delete({ client }, name) {
    await client.request('DELETE', `/audit/scheduledaudits/${enc(name)}`);
  },
};
