import { Type } from 'typebox';
import { allPages, enc, type ResourceKind, type Spec } from './resource-kind.js';

function documentObject(document: unknown): unknown {
  if (typeof document !== 'string') return document;
  try {
    return JSON.parse(document) as unknown;
  } catch {
    return document;
  }
}

/** IoT policies: the default version's document; an update adds a version and makes it the default. */
export const policies: ResourceKind = {
  key: 'policies',
  label: 'policy',
  nameField: 'policyName',
  schema: Type.Object(
    {
      policyName: Type.String({ pattern: '^[\\w+=,.@-]{1,128}$' }),
      policyDocument: Type.Union([Type.String({ minLength: 1 }), Type.Object({}, { additionalProperties: true })], { description: 'the IoT policy JSON, as an object or a string' }),
    },
    { additionalProperties: false },
  ),
  async list({ client }) {
    const names = await allPages(async (marker) => {
      const page = await client.request<{ policies: Array<{ policyName: string }>; nextMarker?: string }>('GET', `/policies?pageSize=250${marker === undefined ? '' : `&marker=${enc(marker)}`}`);
      return { items: page.policies.map((p) => p.policyName), next: page.nextMarker };
    });
    const specs: Spec[] = [];
    for (const policyName of names) {
      const policy = await client.request<{ policyDocument: string }>('GET', `/policies/${enc(policyName)}`);
      specs.push({ policyName, policyDocument: documentObject(policy.policyDocument) });
    }
    return specs;
  },
  normalize: (spec) => ({ ...spec, policyDocument: documentObject(spec['policyDocument']) }),
  async create({ client }, spec) {
    await client.request('POST', `/policies/${enc(spec['policyName'] as string)}`, { policyDocument: JSON.stringify(spec['policyDocument']) });
  },
  async update({ client }, desired) {
    const name = enc(desired['policyName'] as string);
    // At most 5 versions: make room by deleting the oldest non-default one.
    const versions = await client.request<{ policyVersions: Array<{ versionId: string; isDefaultVersion: boolean; createDate?: number }> }>('GET', `/policies/${name}/version`);
    if (versions.policyVersions.length >= 5) {
      const oldest = versions.policyVersions.filter((v) => !v.isDefaultVersion).sort((a, b) => Number(a.versionId) - Number(b.versionId))[0];
      if (oldest !== undefined) await client.request('DELETE', `/policies/${name}/version/${enc(oldest.versionId)}`);
    }
    await client.request('POST', `/policies/${name}/version?setAsDefault=true`, { policyDocument: JSON.stringify(desired['policyDocument']), setAsDefault: true });
  },
  async delete({ client }, name) {
    await client.request('DELETE', `/policies/${enc(name)}`);
  },
};
