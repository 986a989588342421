import { detectContract as d, type ActiveViolation, type Body, type Ok, type ProfileBody, type ProfileDescription, type ProfileUpdateBody, type ViolationEvent } from './contract/index.js';
import type { VigilClient } from './client.js';

const enc = encodeURIComponent;
const page = (token: string | undefined) => (token === undefined ? '' : `&nextToken=${enc(token)}`);

/** A violation as the list routes answer it: active (ListActiveViolations) or an event (ListViolationEvents). */
export type ViolationView = ActiveViolation | ViolationEvent;
export type { ProfileDescription };

/** Typed calls of the AWS Detect routes (security profiles, custom metrics, dimensions, mitigation actions, violations). */
export function detectClient(client: VigilClient) {
  return {
    createProfile: (name: string, document: ProfileBody) => client.request<Ok<typeof d.createProfile>>('POST', `/security-profiles/${enc(name)}`, document),
    updateProfile: (name: string, document: ProfileUpdateBody, expectedVersion?: number) =>
      client.request<ProfileDescription>('PATCH', `/security-profiles/${enc(name)}${expectedVersion === undefined ? '' : `?expectedVersion=${expectedVersion}`}`, document),
    describeProfile: (name: string) => client.request<ProfileDescription>('GET', `/security-profiles/${enc(name)}`),
    deleteProfile: (name: string) => client.request<Ok<typeof d.deleteProfile>>('DELETE', `/security-profiles/${enc(name)}`),
    listProfiles: (nextToken?: string) => client.request<Ok<typeof d.listProfiles>>('GET', `/security-profiles?maxResults=250${page(nextToken)}`),
    listTargets: (name: string, nextToken?: string) => client.request<Ok<typeof d.listTargets>>('GET', `/security-profiles/${enc(name)}/targets?maxResults=250${page(nextToken)}`),
    attach: (name: string, targetArn: string) => client.request<void>('PUT', `/security-profiles/${enc(name)}/targets?securityProfileTargetArn=${enc(targetArn)}`),
    detach: (name: string, targetArn: string) => client.request<void>('DELETE', `/security-profiles/${enc(name)}/targets?securityProfileTargetArn=${enc(targetArn)}`),
    validate: (behaviors: unknown) => client.request<Ok<typeof d.validateBehaviors>>('POST', '/security-profile-behaviors/validate', { behaviors }),
    listActive: (query: Record<string, string>) => client.request<Ok<typeof d.listActiveViolations>>('GET', `/active-violations?${new URLSearchParams(query).toString()}`),
    listEvents: (query: Record<string, string>) => client.request<Ok<typeof d.listViolationEvents>>('GET', `/violation-events?${new URLSearchParams(query).toString()}`),

    listCustomMetrics: (nextToken?: string) => client.request<Ok<typeof d.listCustomMetrics>>('GET', `/custom-metrics?maxResults=250${page(nextToken)}`),
    describeCustomMetric: (name: string) => client.request<Ok<typeof d.describeCustomMetric>>('GET', `/custom-metric/${enc(name)}`),
    createCustomMetric: (name: string, body: Body<typeof d.createCustomMetric>) => client.request<Ok<typeof d.createCustomMetric>>('POST', `/custom-metric/${enc(name)}`, body),
    updateCustomMetric: (name: string, displayName: string) => client.request<Ok<typeof d.updateCustomMetric>>('PATCH', `/custom-metric/${enc(name)}`, { displayName }),
    deleteCustomMetric: (name: string) => client.request<void>('DELETE', `/custom-metric/${enc(name)}`),

    listDimensions: (nextToken?: string) => client.request<Ok<typeof d.listDimensions>>('GET', `/dimensions?maxResults=250${page(nextToken)}`),
    describeDimension: (name: string) => client.request<Ok<typeof d.describeDimension>>('GET', `/dimensions/${enc(name)}`),
    createDimension: (name: string, body: Body<typeof d.createDimension>) => client.request<Ok<typeof d.createDimension>>('POST', `/dimensions/${enc(name)}`, body),
    updateDimension: (name: string, stringValues: readonly string[]) => client.request<Ok<typeof d.updateDimension>>('PATCH', `/dimensions/${enc(name)}`, { stringValues }),
    deleteDimension: (name: string) => client.request<void>('DELETE', `/dimensions/${enc(name)}`),

    listMitigationActions: (nextToken?: string) => client.request<Ok<typeof d.listMitigationActions>>('GET', `/mitigationactions/actions?maxResults=250${page(nextToken)}`),
    describeMitigationAction: (name: string) => client.request<Ok<typeof d.describeMitigationAction>>('GET', `/mitigationactions/actions/${enc(name)}`),
    createMitigationAction: (name: string, body: Body<typeof d.createMitigationAction>) => client.request<Ok<typeof d.createMitigationAction>>('POST', `/mitigationactions/actions/${enc(name)}`, body),
    updateMitigationAction: (name: string, body: Body<typeof d.updateMitigationAction>) => client.request<Ok<typeof d.updateMitigationAction>>('PATCH', `/mitigationactions/actions/${enc(name)}`, body),
    deleteMitigationAction: (name: string) => client.request<void>('DELETE', `/mitigationactions/actions/${enc(name)}`),
  };
}

export type DetectClient = ReturnType<typeof detectClient>;
