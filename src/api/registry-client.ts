import type { VigilClient } from './client.js';

export interface ThingSummary {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly thingArn: string;
  readonly attributes: Record<string, string>;
  readonly version: number;
}

export interface CertificateDescription {
  readonly certificateArn: string;
  readonly certificateId: string;
  readonly caCertificateId?: string;
  readonly status: string;
  readonly certificatePem: string;
  readonly creationDate: number;
  readonly lastModifiedDate: number;
  readonly validity: { notBefore: number; notAfter: number };
}

const enc = encodeURIComponent;

/**
 * Typed calls of the AWS IoT registry routes (they accept the admin bearer token too), for the CLI.
 * AWS errors come back as VigilErrors with code `http.<status>` and AWS's message.
 */
export function registryClient(client: VigilClient) {
  return {
    createThing: (thingName: string, input: { thingTypeName?: string; attributes?: Record<string, string> } = {}) =>
      client.request<{ thingName: string; thingArn: string; thingId: string }>('POST', `/things/${enc(thingName)}`, { ...(input.thingTypeName === undefined ? {} : { thingTypeName: input.thingTypeName }), ...(input.attributes === undefined ? {} : { attributePayload: { attributes: input.attributes } }) }),
    describeThing: (thingName: string) => client.request<ThingSummary & { thingId: string; defaultClientId: string }>('GET', `/things/${enc(thingName)}`),
    listThings: (nextToken?: string) => client.request<{ things: ThingSummary[]; nextToken?: string }>('GET', `/things?maxResults=250${nextToken === undefined ? '' : `&nextToken=${enc(nextToken)}`}`),
    deleteThing: (thingName: string) => client.request<unknown>('DELETE', `/things/${enc(thingName)}`),
    thingPrincipals: (thingName: string) => client.request<{ principals: string[] }>('GET', `/things/${enc(thingName)}/principals?maxResults=250`),
    thingGroups: (thingName: string) => client.request<{ thingGroups: Array<{ groupName: string; groupArn: string }> }>('GET', `/things/${enc(thingName)}/thing-groups?maxResults=250`),
    attachThingPrincipal: (thingName: string, principal: string) => client.request<unknown>('PUT', `/things/${enc(thingName)}/principals`, undefined, { 'x-amzn-principal': principal }),

    createThingGroup: (groupName: string, parentGroupName?: string) => client.request<{ thingGroupName: string; thingGroupArn: string; thingGroupId: string }>('POST', `/thing-groups/${enc(groupName)}`, parentGroupName === undefined ? {} : { parentGroupName }),
    addThingToThingGroup: (groupName: string, thingName: string) => client.request<unknown>('PUT', '/thing-groups/addThingToThingGroup', { thingGroupName: groupName, thingName }),
    listThingGroups: (nextToken?: string) => client.request<{ thingGroups: Array<{ groupName: string; groupArn: string }>; nextToken?: string }>('GET', `/thing-groups?maxResults=250${nextToken === undefined ? '' : `&nextToken=${enc(nextToken)}`}`),

    createCertificateFromCsr: (csrPem: string) => client.request<{ certificateArn: string; certificateId: string; certificatePem: string }>('POST', '/certificates?setAsActive=true', { certificateSigningRequest: csrPem }),
    listCertificates: (marker?: string) => client.request<{ certificates: Array<{ certificateArn: string; certificateId: string; status: string; creationDate: number }>; nextMarker?: string }>('GET', `/certificates?pageSize=250${marker === undefined ? '' : `&marker=${enc(marker)}`}`),
    describeCertificate: (certificateId: string) => client.request<{ certificateDescription: CertificateDescription }>('GET', `/certificates/${enc(certificateId)}`),
    updateCertificate: (certificateId: string, newStatus: 'ACTIVE' | 'INACTIVE' | 'REVOKED') => client.request<unknown>('PUT', `/certificates/${enc(certificateId)}?newStatus=${newStatus}`),
    builtInCa: () => client.request<{ caCertificateId: string; caCertificatePem: string; crlPem: string | null; defaultPolicyName: string }>('GET', '/api/v1/registry/ca'),

    createPolicy: (policyName: string, policyDocument: string) => client.request<{ policyName: string; policyArn: string; policyVersionId: string }>('POST', `/policies/${enc(policyName)}`, { policyDocument }),
    listPolicies: (marker?: string) => client.request<{ policies: Array<{ policyName: string; policyArn: string }>; nextMarker?: string }>('GET', `/policies?pageSize=250${marker === undefined ? '' : `&marker=${enc(marker)}`}`),
    attachPolicy: (policyName: string, target: string) => client.request<unknown>('PUT', `/target-policies/${enc(policyName)}`, { target }),
  };
}

export type RegistryClient = ReturnType<typeof registryClient>;
