import { Type } from 'typebox';
import { registryClient } from '../../api/index.js';
import { arns, iotResource } from '../../protocol/index.js';
import { allPages, type ApplyContext, type ResourceKind, type Spec } from '../resource-kind.js';

/** The server's ARN for a short resource (`cert/<id>`, `thinggroup/<name>`), in the running server's region and account. */
function serverArn(ctx: ApplyContext, short: string): string {
  return arns(ctx.vars['region'] ?? 'local', ctx.vars['account_id'] ?? '000000000000').iot(short);
}

async function policyNames(ctx: ApplyContext): Promise<string[]> {
  const registry = registryClient(ctx.client);
  return allPages(async (marker) => {
    const page = await registry.listPolicies(marker);
    return { items: page.policies.map((p) => p.policyName), next: page.nextMarker };
  });
}

async function thingNames(ctx: ApplyContext): Promise<string[]> {
  const registry = registryClient(ctx.client);
  return allPages(async (token) => {
    const page = await registry.listThings(token);
    return { items: page.things.map((t) => t.thingName), next: page.nextToken };
  });
}

/** Thing types that imported things name (the export has no thing-type files: created with no properties). */
export const thingTypes: ResourceKind = {
  key: 'thing_types',
  label: 'thing type',
  nameField: 'thingTypeName',
  schema: Type.Object({ thingTypeName: Type.String() }, { additionalProperties: false }),
  async list({ client }) {
    const registry = registryClient(client);
    const names = await allPages(async (token) => {
      const page = await registry.listThingTypes(token);
      return { items: page.thingTypes.map((t) => t.thingTypeName), next: page.nextToken };
    });
    return names.map((thingTypeName) => ({ thingTypeName }));
  },
  async create({ client }, spec) {
    await registryClient(client).createThingType(spec['thingTypeName'] as string);
  },
};

/** Customer CAs, registered from their PEM alone (the operator's token is the authority; no proof of possession). */
export const caCertificates: ResourceKind = {
  key: 'ca_certificates',
  label: 'CA certificate',
  nameField: 'certificateId',
  schema: Type.Object({ certificateId: Type.String(), certificatePem: Type.String(), status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')]) }, { additionalProperties: false }),
  comparable: (spec) => ({ certificateId: spec['certificateId'], status: spec['status'] }),
  async list({ client }) {
    const registry = registryClient(client);
    const listed = await allPages(async (marker) => {
      const page = await registry.listCaCertificates(marker);
      return { items: page.certificates.map((c) => ({ certificateId: c.certificateId, status: c.status })), next: page.nextMarker };
    });
    return listed;
  },
  async create({ client }, spec) {
    await registryClient(client).registerCaCertificate(spec['certificatePem'] as string, { setAsActive: spec['status'] === 'ACTIVE' });
  },
  async update({ client }, desired) {
    await registryClient(client).updateCaCertificate(desired['certificateId'] as string, desired['status'] as 'ACTIVE' | 'INACTIVE');
  },
};

/** Device certificates signed by an imported CA (same certificate, same id: AWS and Vigil both use the SHA-256 of the DER). */
export const certificates: ResourceKind = {
  key: 'certificates',
  label: 'certificate',
  nameField: 'certificateId',
  schema: Type.Object({ certificateId: Type.String(), certificatePem: Type.String(), caCertificatePem: Type.String(), status: Type.String() }, { additionalProperties: false }),
  comparable: (spec) => ({ certificateId: spec['certificateId'], status: spec['status'] }),
  async list({ client }) {
    const registry = registryClient(client);
    return allPages(async (marker) => {
      const page = await registry.listCertificates(marker);
      return { items: page.certificates.map((c) => ({ certificateId: c.certificateId, status: c.status }) as Spec), next: page.nextMarker };
    });
  },
  updateBlocked: (desired, current) => (current['status'] === 'REVOKED' ? `certificate ${String(current['certificateId'])} is REVOKED in Vigil; revocation is final` : undefined),
  async create({ client }, spec) {
    await registryClient(client).registerCertificate(spec['certificatePem'] as string, { caCertificatePem: spec['caCertificatePem'] as string, status: spec['status'] as string });
  },
  async update({ client }, desired) {
    await registryClient(client).updateCertificate(desired['certificateId'] as string, desired['status'] as 'ACTIVE' | 'INACTIVE' | 'REVOKED');
  },
};

/** A policy attached to a certificate or thing group (`<policy> cert/<id>`); attachments are only added. */
export const policyAttachments: ResourceKind = {
  key: 'policy_attachments',
  label: 'policy attachment',
  nameField: 'name',
  schema: Type.Object({ name: Type.String(), policyName: Type.String(), target: Type.String() }, { additionalProperties: false }),
  async list(ctx) {
    const registry = registryClient(ctx.client);
    const specs: Spec[] = [];
    for (const policyName of await policyNames(ctx)) {
      const targets = await allPages(async (marker) => {
        const page = await registry.listTargetsForPolicy(policyName, marker);
        return { items: [...page.targets], next: page.nextMarker };
      });
      for (const arn of targets) specs.push({ name: `${policyName} ${iotResource(arn)}`, policyName, target: iotResource(arn) });
    }
    return specs;
  },
  async create(ctx, spec) {
    await registryClient(ctx.client).attachPolicy(spec['policyName'] as string, serverArn(ctx, spec['target'] as string));
  },
};

/** A certificate attached to a thing (`<thing> cert/<id>`); attachments are only added. */
export const thingPrincipals: ResourceKind = {
  key: 'thing_principals',
  label: 'thing principal',
  nameField: 'name',
  schema: Type.Object({ name: Type.String(), thingName: Type.String(), principal: Type.String() }, { additionalProperties: false }),
  async list(ctx) {
    const registry = registryClient(ctx.client);
    const specs: Spec[] = [];
    for (const thingName of await thingNames(ctx)) {
      for (const arn of (await registry.thingPrincipals(thingName)).principals) specs.push({ name: `${thingName} ${iotResource(arn)}`, thingName, principal: iotResource(arn) });
    }
    return specs;
  },
  async create(ctx, spec) {
    await registryClient(ctx.client).attachThingPrincipal(spec['thingName'] as string, serverArn(ctx, spec['principal'] as string));
  },
};
