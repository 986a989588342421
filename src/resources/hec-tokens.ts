import { Type } from 'typebox';
import { HecTokenBody, siemClient } from '../api/index.js';
import { defined, type ResourceKind } from './resource-kind.js';

/**
 * HEC tokens. The token value is a secret the server generates: it is never written to a file and
 * never compared. Only `disabled` changes in place; other changes are refused (a new token value
 * would break every sender).
 */
export const hecTokens: ResourceKind = {
  key: 'hec_tokens',
  label: 'hec token',
  nameField: 'name',
  // The API's creation body plus `disabled`, so the two cannot drift apart.
  schema: Type.Object({ ...HecTokenBody.properties, disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  normalize: (spec) => ({ ...spec, useAck: spec['useAck'] ?? false, allowQueryStringAuth: spec['allowQueryStringAuth'] ?? false, disabled: spec['disabled'] ?? false, indexes: [...((spec['indexes'] as string[] | undefined) ?? [])].sort() }),
  async list({ client }) {
    return (await siemClient(client).tokens.list()).tokens.map((t) =>
      defined({ name: t.name, index: t.index, indexes: [...t.indexes].sort(), sourcetype: t.sourcetype, source: t.source, host: t.host, useAck: t.useAck, allowQueryStringAuth: t.allowQueryStringAuth, description: t.description === '' ? undefined : t.description, disabled: t.disabled }),
    );
  },
  async create({ client }, spec) {
    const siem = siemClient(client);
    const { disabled, ...request } = spec;
    await siem.tokens.create(request as unknown as Parameters<typeof siem.tokens.create>[0]);
    if (disabled === true) await siem.tokens.setDisabled(spec['name'] as string, true);
  },
  updateBlocked: (desired, current) => {
    const { disabled: _a, ...want } = desired;
    const { disabled: _b, ...have } = current;
    const changed = Object.keys({ ...want, ...have }).filter((k) => JSON.stringify(want[k] ?? null) !== JSON.stringify(have[k] ?? null) && !(k === 'indexes' && (want[k] as unknown[] | undefined)?.length === (have[k] as unknown[] | undefined)?.length && (want[k] as unknown[]).length === 0));
    return changed.length === 0 ? undefined : `only "disabled" of a HEC token changes in place (${changed.join(', ')} differ): delete the token to recreate it (its value changes)`;
  },
  async update({ client }, desired) {
    await siemClient(client).tokens.setDisabled(desired['name'] as string, desired['disabled'] === true);
  },
  async delete({ client }, name) {
    await siemClient(client).tokens.delete(name);
  },
};
