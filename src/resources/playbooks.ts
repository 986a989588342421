import { Type } from 'typebox';
import { respondClient, type PlaybookBody } from '../api/index.js';
import { parsePlaybook, playbookDocument } from '../respond/index.js';
import type { ResourceKind, Spec } from './resource-kind.js';

/** The document with every default filled, as the server stores it (so file and server compare equal). */
function normalized(spec: Spec): Spec {
  const parsed = parsePlaybook(spec, 0);
  return parsed.ok ? (playbookDocument(parsed.value) as unknown as Spec) : spec;
}

/** Playbooks (docs/respond.md): the document as written; `vigil export` writes them back. */
export const playbooks: ResourceKind = {
  key: 'playbooks',
  label: 'playbook',
  nameField: 'name',
  runtimeFields: ['steps'],
  schema: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 128 }),
      description: Type.Optional(Type.String()),
      enabled: Type.Optional(Type.Boolean()),
      dry_run: Type.Optional(Type.Boolean()),
      trigger: Type.Object({ type: Type.String() }, { additionalProperties: true }),
      limits: Type.Optional(Type.Object({ max_things_per_hour: Type.Optional(Type.Integer()), step_attempts: Type.Optional(Type.Integer()) }, { additionalProperties: false })),
      steps: Type.Array(Type.Object({ type: Type.String() }, { additionalProperties: true }), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
  validate(spec) {
    const parsed = parsePlaybook(spec, 0);
    return parsed.ok ? [] : ((parsed.error.details?.['problems'] as string[] | undefined) ?? [parsed.error.message]);
  },
  normalize: normalized,
  async list({ client }) {
    const { playbooks: listed } = await respondClient(client).list();
    return listed.map(({ createdAt: _c, updatedAt: _u, ...document }) => normalized(document));
  },
  async create({ client }, spec) {
    await respondClient(client).create(spec as unknown as PlaybookBody);
  },
  async update({ client }, desired) {
    await respondClient(client).replace(desired['name'] as string, desired as unknown as PlaybookBody);
  },
  async delete({ client }, name) {
    await respondClient(client).delete(name);
  },
};
