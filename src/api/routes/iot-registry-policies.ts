import type { FastifyInstance } from 'fastify';
import { registryContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { compact, resourceTags, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT: policies'];

/** AWS IoT policies, versions and attachments (rest-json, service model paths). */
export function iotPolicyRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'registry'>): void {
  const app = typed(fastify);
  const { registry } = deps;
  const { arns } = registry;

  app.post('/policies/:policyName', { schema: { tags, summary: 'CreatePolicy', ...c.createPolicy } }, async (request) => {
    const tagged = resourceTags(request.body.tags);
    registry.tags.checkTags(tagged);
    const { policy, version, rewrittenArns } = await registry.policies.createPolicy(request.params.policyName, request.body.policyDocument, { rewriteArns: request.query.rewriteArns });
    await registry.tags.tagCreated(arns.policy(policy.policyName), tagged);
    return compact({ policyName: policy.policyName, policyArn: arns.policy(policy.policyName), policyDocument: version.document, policyVersionId: version.versionId, rewrittenArns: rewrittenArns.length > 0 ? rewrittenArns : undefined });
  });

  app.get('/policies/:policyName', { schema: { tags, summary: 'GetPolicy', ...c.getPolicy } }, async (request) => {
    const { policy, version } = await registry.policies.getPolicy(request.params.policyName);
    return { policyName: policy.policyName, policyArn: arns.policy(policy.policyName), policyDocument: version.document, defaultVersionId: policy.defaultVersionId, creationDate: seconds(policy.createdAt), lastModifiedDate: seconds(policy.updatedAt), generationId: policy.generationId };
  });

  app.get('/policies', { schema: { tags, summary: 'ListPolicies', ...c.listPolicies } }, async (request) => {
    const q = request.query;
    const listed = await registry.policies.listPolicies({ marker: q.marker, pageSize: q.pageSize, ascendingOrder: q.isAscendingOrder });
    return compact({ policies: listed.items.map((p) => ({ policyName: p.policyName, policyArn: arns.policy(p.policyName) })), nextMarker: listed.nextToken });
  });

  app.delete('/policies/:policyName', { schema: { tags, summary: 'DeletePolicy', ...c.deletePolicy } }, async (request) => {
    await registry.policies.deletePolicy(request.params.policyName);
    return {};
  });

  app.post('/policies/:policyName/version', { schema: { tags, summary: 'CreatePolicyVersion', ...c.createPolicyVersion } }, async (request) => {
    const { version, isDefault, rewrittenArns } = await registry.policies.createPolicyVersion(request.params.policyName, request.body.policyDocument, request.query.setAsDefault === true, { rewriteArns: request.query.rewriteArns });
    return compact({ policyArn: arns.policy(version.policyName), policyDocument: version.document, policyVersionId: version.versionId, isDefaultVersion: isDefault, rewrittenArns: rewrittenArns.length > 0 ? rewrittenArns : undefined });
  });

  app.get('/policies/:policyName/version', { schema: { tags, summary: 'ListPolicyVersions', ...c.listPolicyVersions } }, async (request) => {
    const { policy, versions } = await registry.policies.listPolicyVersions(request.params.policyName);
    return { policyVersions: versions.map((v) => ({ versionId: v.versionId, isDefaultVersion: v.versionId === policy.defaultVersionId, createDate: seconds(v.createdAt) })) };
  });

  app.get('/policies/:policyName/version/:policyVersionId', { schema: { tags, summary: 'GetPolicyVersion', ...c.getPolicyVersion } }, async (request) => {
    const { policy, version } = await registry.policies.getPolicyVersion(request.params.policyName, request.params.policyVersionId);
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

  app.patch('/policies/:policyName/version/:policyVersionId', { schema: { tags, summary: 'SetDefaultPolicyVersion', ...c.setDefaultPolicyVersion } }, async (request) => {
    await registry.policies.setDefaultPolicyVersion(request.params.policyName, request.params.policyVersionId);
    return {};
  });

  app.delete('/policies/:policyName/version/:policyVersionId', { schema: { tags, summary: 'DeletePolicyVersion', ...c.deletePolicyVersion } }, async (request) => {
    await registry.policies.deletePolicyVersion(request.params.policyName, request.params.policyVersionId);
    return {};
  });

  app.put('/target-policies/:policyName', { schema: { tags, summary: 'AttachPolicy', ...c.attachPolicy } }, async (request) => {
    await registry.policies.attachPolicy(request.params.policyName, request.body.target);
    return {};
  });

  app.post('/target-policies/:policyName', { schema: { tags, summary: 'DetachPolicy', ...c.detachPolicy } }, async (request) => {
    await registry.policies.detachPolicy(request.params.policyName, request.body.target);
    return {};
  });

  app.post('/attached-policies/:target', { schema: { tags, summary: 'ListAttachedPolicies', ...c.listAttachedPolicies } }, async (request) => {
    const listed = await registry.policies.listAttachedPolicies(request.params.target, request.query);
    return compact({ policies: listed.items.map((p) => ({ policyName: p, policyArn: arns.policy(p) })), nextMarker: listed.nextToken });
  });

  app.post('/policy-targets/:policyName', { schema: { tags, summary: 'ListTargetsForPolicy', ...c.listTargetsForPolicy } }, async (request) => {
    const listed = await registry.policies.listTargetsForPolicy(request.params.policyName, request.query);
    return compact({ targets: listed.items.map((t) => arns.target(t)), nextMarker: listed.nextToken });
  });

  app.post('/test-authorization', { schema: { tags, summary: 'TestAuthorization', ...c.testAuthorization } }, async (request) => {
    const tested = await registry.testAuthorization({ ...request.body, clientId: request.query.clientId });
    const refs = (names: readonly string[]) => ({ policies: names.map((policyName) => ({ policyName, policyArn: arns.policy(policyName) })) });
    return {
      authResults: tested.results.map((r) => ({
        authInfo: { actionType: r.authInfo.actionType, resources: [...r.authInfo.resources] },
        allowed: refs(r.allowed),
        denied: { implicitDeny: refs(r.implicitDeny), explicitDeny: refs(r.explicitDeny) },
        authDecision: r.authDecision,
        missingContextValues: [],
        explanations: r.explanations.map((e) => e.message),
      })),
    };
  });
}
