import { VigilError } from '../core/index.js';
import { arns as arnsOf, parseArn } from '../protocol/index.js';
import type { CompiledPolicy } from './policy/document.js';
import { explainPolicies, type Explanation } from './policy/evaluate.js';
import type { RegistryDeviceAuth } from './device-auth.js';
import type { RegistryDeps } from './support.js';

/** AWS TestAuthorization's action types and the IoT actions they stand for. */
export const ACTION_TYPES = { PUBLISH: 'iot:Publish', SUBSCRIBE: 'iot:Subscribe', RECEIVE: 'iot:Receive', CONNECT: 'iot:Connect' } as const;
export type ActionType = keyof typeof ACTION_TYPES;

export interface AuthInfo {
  readonly actionType?: string | undefined;
  readonly resources: readonly string[];
}

export interface TestAuthorizationRequest {
  /** A certificate ARN (`arn:aws:iot:<region>:<account>:cert/<id>`) or a bare certificate id. */
  readonly principal?: string | undefined;
  readonly clientId?: string | undefined;
  readonly authInfos: readonly AuthInfo[];
  readonly policyNamesToAdd?: readonly string[] | undefined;
  readonly policyNamesToSkip?: readonly string[] | undefined;
}

export interface AuthResult {
  readonly authInfo: { readonly actionType: ActionType; readonly resources: readonly string[] };
  readonly authDecision: 'ALLOWED' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY';
  /** Policies that allowed (ALLOWED), explicitly denied, or were evaluated without allowing. */
  readonly allowed: readonly string[];
  readonly explicitDeny: readonly string[];
  readonly implicitDeny: readonly string[];
  /** One explanation per resource: the deciding statement, or the statements that failed to match. */
  readonly explanations: readonly Explanation[];
}

/** AWS's documented maximum of authInfos in one TestAuthorization request. */
export const MAX_AUTH_INFOS = 10;

/**
 * TestAuthorization: evaluates actions on resources as a device with this certificate and client id
 * would be evaluated on connect (the same policies: the certificate's, and those of the groups of
 * the thing whose name is the client id), with policies added or skipped by name.
 */
export function testAuthorizationService(deps: RegistryDeps, auth: RegistryDeviceAuth) {
  return async function testAuthorization(request: TestAuthorizationRequest): Promise<{ clientId: string; certificateId: string; results: AuthResult[] }> {
    if (request.principal === undefined || request.principal === '') throw new VigilError('registry.invalid_principal', 'principal is required: the certificate ARN to test as', { hint: 'Vigil authorizes devices by certificate: give arn:aws:iot:<region>:<account>:cert/<certificateId>' });
    if (request.authInfos.length === 0 || request.authInfos.length > MAX_AUTH_INFOS) throw new VigilError('thing.invalid_request', `authInfos must hold 1 to ${MAX_AUTH_INFOS} entries (got ${request.authInfos.length})`);
    const certificateId = certificateIdOf(request.principal);
    const certificate = await deps.certificates.get(certificateId);
    if (certificate === undefined) throw new VigilError('certificate.not_found', `no certificate ${certificateId}`, { hint: 'list certificates with `vigil cert list`' });
    // Without a client id, the device is taken to connect as its certificate's (first) thing, as the built-in policy expects.
    const clientId = request.clientId ?? (await deps.certificates.thingsOfPrincipal(certificateId, { limit: 1 })).items[0] ?? certificateId;
    const state = await auth.policyState({ certificateId, clientId, connectAttributes: [] });
    const skip = new Set(request.policyNamesToSkip ?? []);
    const policies: CompiledPolicy[] = state.policies.filter((p) => !skip.has(p.policyName));
    for (const name of request.policyNamesToAdd ?? []) {
      if (policies.some((p) => p.policyName === name)) continue;
      const policy = await deps.policies.get(name);
      const version = policy === undefined ? undefined : await deps.policies.getVersion(name, policy.defaultVersionId);
      if (policy === undefined || version === undefined) throw new VigilError('policy.not_found', `policyNamesToAdd: no policy named ${name}`);
      const compiled = auth.compiledVersion(name, version.versionId, version.document);
      if (compiled !== undefined) policies.push(compiled);
    }
    const account = { region: deps.region, accountId: deps.accountId };
    const results = request.authInfos.map((info, index): AuthResult => {
      const actionType = info.actionType as ActionType;
      const action = ACTION_TYPES[actionType];
      if (action === undefined) throw new VigilError('thing.invalid_request', `authInfos[${index}].actionType must be one of ${Object.keys(ACTION_TYPES).join(', ')}`);
      if (info.resources.length === 0) throw new VigilError('thing.invalid_request', `authInfos[${index}].resources must name at least one resource ARN`);
      const explanations = info.resources.map((resource) => {
        const explained = explainPolicies(policies, action, resource, state.context, account);
        if (state.active || !explained.allowed) return explained;
        return { ...explained, allowed: false, reason: 'implicit_deny' as const, message: `${action} on ${resource} denied: certificate ${certificateId} or its CA is not ACTIVE (its policies would allow it)` };
      });
      const explicit = explanations.filter((e) => e.reason === 'explicit_deny');
      const decision = explicit.length > 0 ? 'EXPLICIT_DENY' : explanations.every((e) => e.allowed) ? 'ALLOWED' : 'IMPLICIT_DENY';
      const names = (list: readonly Explanation[]) => [...new Set(list.map((e) => e.policyName).filter((n): n is string => n !== undefined))];
      return {
        authInfo: { actionType, resources: info.resources },
        authDecision: decision,
        allowed: decision === 'ALLOWED' ? names(explanations) : [],
        explicitDeny: names(explicit),
        implicitDeny: decision === 'IMPLICIT_DENY' ? policies.map((p) => p.policyName) : [],
        explanations,
      };
    });
    return { clientId, certificateId, results };
  };
}

function certificateIdOf(principal: string): string {
  const parsed = parseArn(principal);
  if (parsed === undefined) {
    if (/^[0-9a-f]{64}$/i.test(principal)) return principal.toLowerCase();
    throw new VigilError('registry.invalid_principal', `principal "${principal}" is not a certificate ARN`, { hint: `write ${arnsOf('<region>', '<account>').cert('<certificateId>')}` });
  }
  if (parsed.service !== 'iot' || !parsed.resource.startsWith('cert/')) throw new VigilError('registry.invalid_principal', `principal "${principal}" is not a certificate ARN`, { hint: 'Vigil authorizes devices by certificate: arn:aws:iot:<region>:<account>:cert/<certificateId>' });
  return parsed.resource.slice('cert/'.length).toLowerCase();
}
