import { Type } from 'typebox';
import { auditClient, type AuditConfigurationBody } from '../api/index.js';
import { defined, type ResourceKind, type Spec } from './resource-kind.js';

interface AuditConfiguration {
  roleArn?: string;
  auditNotificationTargetConfigurations?: Record<string, { targetArn?: string; roleArn?: string; enabled?: boolean }>;
  auditCheckConfigurations?: Record<string, { enabled?: boolean }>;
}

/** Only the enabled checks are compared (a server lists every check, enabled or not). */
function enabledChecks(checks: AuditConfiguration['auditCheckConfigurations']): Record<string, { enabled: true }> {
  return Object.fromEntries(Object.entries(checks ?? {}).filter(([, c]) => c.enabled === true).sort(([a], [b]) => a.localeCompare(b)).map(([name]) => [name, { enabled: true }]));
}

/** The account audit configuration (one per server): role, notification target, enabled checks. */
export const auditConfiguration: ResourceKind = {
  key: 'audit_configuration',
  label: 'audit configuration',
  nameField: 'name',
  singleton: true,
  schema: Type.Object(
    {
      name: Type.Optional(Type.Literal('account')),
      roleArn: Type.Optional(Type.String()),
      auditNotificationTargetConfigurations: Type.Optional(Type.Record(Type.String(), Type.Object({ targetArn: Type.String(), roleArn: Type.Optional(Type.String()), enabled: Type.Boolean() }, { additionalProperties: false }))),
      auditCheckConfigurations: Type.Record(Type.String({ pattern: '^[A-Z0-9_]+$' }), Type.Object({ enabled: Type.Boolean() }, { additionalProperties: true })),
    },
    { additionalProperties: false },
  ),
  normalize: (spec) => ({ ...spec, name: 'account', auditCheckConfigurations: enabledChecks(spec['auditCheckConfigurations'] as AuditConfiguration['auditCheckConfigurations']) }),
  async list({ client }) {
    const c: AuditConfiguration = await auditClient(client).configuration();
    if (c.auditCheckConfigurations === undefined && c.roleArn === undefined) return [];
    return [defined({ name: 'account', roleArn: c.roleArn, auditNotificationTargetConfigurations: c.auditNotificationTargetConfigurations, auditCheckConfigurations: enabledChecks(c.auditCheckConfigurations) }) as Spec];
  },
  async create({ client }, spec) {
    const { name: _name, ...body } = spec;
    await auditClient(client).configure(body as AuditConfigurationBody);
  },
  async update({ client }, desired, current) {
    const { name: _name, ...body } = desired;
    // Checks enabled now but not in the file are switched off.
    const checks: Record<string, { enabled: boolean }> = { ...(body['auditCheckConfigurations'] as Record<string, { enabled: boolean }>) };
    for (const check of Object.keys((current['auditCheckConfigurations'] as Record<string, unknown> | undefined) ?? {})) checks[check] ??= { enabled: false };
    await auditClient(client).configure({ ...body, auditCheckConfigurations: checks } as AuditConfigurationBody);
  },
};
