import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { body, bool, compact, int, params, query, required, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT: policies'];

/** AWS IoT policies, versions and attachments (rest-json, service model paths). */
export function iotPolicyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { registry } = deps;
  if (registry === undefined) return;
  const { arns } = registry;
  const name = (request: Parameters<typeof params>[0]) => params(request)['policyName'] as string;

  app.post('/policies/:policyName', { schema: { tags, summary: 'CreatePolicy' } }, async (request) => {
    const { policy, version } = await registry.policies.createPolicy(name(request), required(body(request), 'policyDocument'));
    return { policyName: policy.policyName, policyArn: arns.policy(policy.policyName), policyDocument: version.document, policyVersionId: version.versionId };
  });

  app.get('/policies/:policyName', { schema: { tags, summary: 'GetPolicy' } }, async (request) => {
    const { policy, version } = await registry.policies.getPolicy(name(request));
    return { policyName: policy.policyName, policyArn: arns.policy(policy.policyName), policyDocument: version.document, defaultVersionId: policy.defaultVersionId, creationDate: seconds(policy.createdAt), lastModifiedDate: seconds(policy.updatedAt), generationId: policy.generationId };
  });

  app.get('/policies', { schema: { tags, summary: 'ListPolicies' } }, async (request) => {
    const q = query(request);
    const listed = await registry.policies.listPolicies({ marker: q['marker'], pageSize: int(q['pageSize'], 'pageSize'), ascendingOrder: bool(q['isAscendingOrder'], 'isAscendingOrder') });
    return compact({ policies: listed.items.map((p) => ({ policyName: p.policyName, policyArn: arns.policy(p.policyName) })), nextMarker: listed.nextToken });
  });

  app.delete('/policies/:policyName', { schema: { tags, summary: 'DeletePolicy' } }, async (request) => {
    await registry.policies.deletePolicy(name(request));
    return {};
  });

  app.post('/policies/:policyName/version', { schema: { tags, summary: 'CreatePolicyVersion' } }, async (request) => {
    const { version, isDefault } = await registry.policies.createPolicyVersion(name(request), required(body(request), 'policyDocument'), bool(query(request)['setAsDefault'], 'setAsDefault') === true);
    return { policyArn: arns.policy(version.policyName), policyDocument: version.document, policyVersionId: version.versionId, isDefaultVersion: isDefault };
  });

  app.get('/policies/:policyName/version', { schema: { tags, summary: 'ListPolicyVersions' } }, async (request) => {
    const { policy, versions } = await registry.policies.listPolicyVersions(name(request));
    return { policyVersions: versions.map((v) => ({ versionId: v.versionId, isDefaultVersion: v.versionId === policy.defaultVersionId, createDate: seconds(v.createdAt) })) };
  });

  app.get('/policies/:policyName/version/:policyVersionId', { schema: { tags, summary: 'GetPolicyVersion' } }, async (request) => {
    const { policy, version } = await registry.policies.getPolicyVersion(name(request), params(request)['policyVersionId'] as string);
    return {
      policyArn: arns.policy(policy.policyName),
      policyName: policy.policyName,
      policyDocument: version.document,
      policyVersionId: version.versionId,
      isDefaultVersion: version.versionId === policy.defaultVersionId,
      creationDate: seconds(version.createdAt),
      lastModifiedDate: seconds(version.createdAt),
      generationId: policy.generationId,
    };
  });

  app.patch('/policies/:policyName/version/:policyVersionId', { schema: { tags, summary: 'SetDefaultPolicyVersion' } }, async (request) => {
    await registry.policies.setDefaultPolicyVersion(name(request), params(request)['policyVersionId'] as string);
    return {};
  });

  app.delete('/policies/:policyName/version/:policyVersionId', { schema: { tags, summary: 'DeletePolicyVersion' } }, async (request) => {
    await registry.policies.deletePolicyVersion(name(request), params(request)['policyVersionId'] as string);
    return {};
  });

  app.put('/target-policies/:policyName', { schema: { tags, summary: 'AttachPolicy' } }, async (request) => {
    await registry.policies.attachPolicy(name(request), required(body(request), 'target'));
    return {};
  });

  app.post('/target-policies/:policyName', { schema: { tags, summary: 'DetachPolicy' } }, async (request) => {
    await registry.policies.detachPolicy(name(request), required(body(request), 'target'));
    return {};
  });

  app.post('/attached-policies/:target', { schema: { tags, summary: 'ListAttachedPolicies' } }, async (request) => {
    const q = query(request);
    const listed = await registry.policies.listAttachedPolicies(params(request)['target'] as string, { recursive: bool(q['recursive'], 'recursive'), marker: q['marker'], pageSize: int(q['pageSize'], 'pageSize') });
    return compact({ policies: listed.items.map((p) => ({ policyName: p, policyArn: arns.policy(p) })), nextMarker: listed.nextToken });
  });

  app.post('/policy-targets/:policyName', { schema: { tags, summary: 'ListTargetsForPolicy' } }, async (request) => {
    const q = query(request);
    const listed = await registry.policies.listTargetsForPolicy(name(request), { marker: q['marker'], pageSize: int(q['pageSize'], 'pageSize') });
    return compact({ targets: listed.items.map((t) => arns.target(t)), nextMarker: listed.nextToken });
  });
}
