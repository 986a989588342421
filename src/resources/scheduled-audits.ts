import { Type } from 'typebox';
import { ACTION_NAME } from '../protocol/index.js';
import { auditClient } from '../api/index.js';
import { defined, type ResourceKind, type Spec } from './resource-kind.js';

interface ScheduledAudit {
  readonly scheduledAuditName: string;
  readonly frequency: string;
  readonly dayOfMonth?: string | undefined;
  readonly dayOfWeek?: string | undefined;
  readonly targetCheckNames: readonly string[];
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
    const audit = auditClient(client);
    const listed = await audit.schedules();
    const specs: Spec[] = [];
    for (const { scheduledAuditName } of listed.scheduledAudits) specs.push(toSpec(await audit.schedule(scheduledAuditName)));
    return specs;
  },
  async create({ client }, spec) {
    await auditClient(client).createSchedule(spec['scheduledAuditName'] as string, body(spec));
  },
  async update({ client }, desired) {
    await auditClient(client).updateSchedule(desired['scheduledAuditName'] as string, body(desired));
  },
  async delete({ client }, name) {
    await auditClient(client).deleteSchedule(name);
  },
};
