import { Type } from 'typebox';
import { IOT_NAME } from '../../protocol/index.js';
import { allPages, enc, type ResourceKind, type Spec } from './resource-kind.js';

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
    const names = await allPages(async (token) => {
      const page = await client.request<{ dimensionNames: string[]; nextToken?: string }>('GET', `/dimensions?maxResults=250${token === undefined ? '' : `&nextToken=${enc(token)}`}`);
      return { items: page.dimensionNames, next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const d = await client.request<{ name: string; type: string; stringValues: string[] }>('GET', `/dimensions/${enc(name)}`);
      specs.push({ name: d.name, type: d.type, stringValues: d.stringValues });
    }
    return specs;
  },
  async create({ client }, spec) {
    await client.request('POST', `/dimensions/${enc(spec['name'] as string)}`, { type: spec['type'] ?? 'TOPIC_FILTER', stringValues: spec['stringValues'], clientRequestToken: `vigil-apply-${String(spec['name'])}` });
  },
  async update({ client }, desired) {
    await client.request('PATCH', `/dimensions/${enc(desired['name'] as string)}`, { stringValues: desired['stringValues'] });
  },
  async delete({ client }, name) {
    await client.request('DELETE', `/dimensions/${enc(name)}`);
  },
};
