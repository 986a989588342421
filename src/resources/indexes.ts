import { Type } from 'typebox';
import { siemClient } from '../api/index.js';
import type { ResourceKind } from './resource-kind.js';

/** SIEM indexes; deleting one deletes its events, so apply does it only with --prune. */
export const indexes: ResourceKind = {
  key: 'indexes',
  label: 'index',
  nameField: 'name',
  schema: Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,79}$' }), retentionDays: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
  normalize: (spec) => ({ ...spec, retentionDays: spec['retentionDays'] ?? 0 }),
  async list({ client }) {
    return (await siemClient(client).indexes.list()).indexes.map((i) => ({ name: i.name, retentionDays: i.retentionDays }));
  },
  async create({ client }, spec) {
    await siemClient(client).indexes.create(spec['name'] as string, spec['retentionDays'] as number | undefined);
  },
  updateBlocked: () => 'an index\'s retention cannot be changed through the API yet',
  async delete({ client }, name) {
    await siemClient(client).indexes.delete(name);
  },
};
