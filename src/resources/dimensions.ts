import { Type } from 'typebox';
import { detectClient } from '../api/index.js';
import { IOT_NAME } from '../protocol/index.js';
import { allPages, type ResourceKind, type Spec } from './resource-kind.js';

/** TOPIC_FILTER dimensions (Detect). */
export const dimensions: ResourceKind = {
  key: 'dimensions',
  label: 'dimension',
  nameField: 'name',
  schema: Type.Object(
    { name: Type.String({ pattern: IOT_NAME.source }), type: Type.Optional(Type.Literal('TOPIC_FILTER')), stringValues: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 100 }) },
    { additionalProperties: false },
  ),
  normalize: (spec) => ({ ...spec, type: spec['type'] ?? 'TOPIC_FILTER' }),
  async list({ client }) {
    const detect = detectClient(client);
    const names = await allPages(async (token) => {
      const page = await detect.listDimensions(token);
      return { items: [...page.dimensionNames], next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const d = await detect.describeDimension(name);
      specs.push({ name: d.name, type: d.type, stringValues: [...d.stringValues] });
    }
    return specs;
  },
  async create({ client }, spec) {
    await detectClient(client).createDimension(spec['name'] as string, { type: (spec['type'] as string | undefined) ?? 'TOPIC_FILTER', stringValues: spec['stringValues'] as string[], clientRequestToken: `vigil-apply-${String(spec['name'])}` });
  },
  async update({ client }, desired) {
    await detectClient(client).updateDimension(desired['name'] as string, desired['stringValues'] as string[]);
  },
  async delete({ client }, name) {
    await detectClient(client).deleteDimension(name);
  },
};
