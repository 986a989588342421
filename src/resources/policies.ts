import { Type } from 'typebox';
import { registryClient } from '../api/index.js';
import { allPages, type ResourceKind, type Spec } from './resource-kind.js';

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
    const registry = registryClient(client);
    const names = await allPages(async (marker) => {
      const page = await registry.listPolicies(marker);
      return { items: page.policies.map((p) => p.policyName), next: page.nextMarker };
    });
    const specs: Spec[] = [];
    for (const policyName of names) {
      const policy = await registry.getPolicy(policyName);
      specs.push({ policyName, policyDocument: documentObject(policy.policyDocument) });
    }
    return specs;
  },
  normalize: (spec) => ({ ...spec, policyDocument: documentObject(spec['policyDocument']) }),
  async create({ client }, spec) {
    await registryClient(client).createPolicy(spec['policyName'] as string, JSON.stringify(spec['policyDocument']));
  },
  async update({ client }, desired) {
    const registry = registryClient(client);
    const name = desired['policyName'] as string;
    // At most 5 versions: make room by deleting the oldest non-default one.
    const versions = await registry.policyVersions(name);
    if (versions.policyVersions.length >= 5) {
      const oldest = versions.policyVersions.filter((v) => !v.isDefaultVersion).sort((a, b) => Number(a.versionId) - Number(b.versionId))[0];
      if (oldest !== undefined) await registry.deletePolicyVersion(name, oldest.versionId);
    }
    await registry.createPolicyVersion(name, JSON.stringify(desired['policyDocument']), true);
  },
  async delete({ client }, name) {
    await registryClient(client).deletePolicy(name);
  },
};
