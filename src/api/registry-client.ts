import { registryContract as r, type Body, type CertificateDescription, type Ok, type ThingSummary } from './contract/index.js';
import type { VigilClient } from './client.js';

export type { ThingSummary, CertificateDescription };

const enc = encodeURIComponent;
const page = (name: string, token: string | undefined) => (token === undefined ? '' : `&${name}=${enc(token)}`);

/**
 * Typed calls of the AWS IoT registry routes (they accept the admin bearer token too), for the CLI,
 * `vigil apply` and tests. AWS errors come back as VigilErrors with code `http.<status>` and AWS's message.
 */
export function registryClient(client: VigilClient) {
  return {
    createThingType: (thingTypeName: string, input: { description?: string; searchableAttributes?: string[] } = {}) =>
      client.request<Ok<typeof r.createThingType>>('POST', `/thing-types/${enc(thingTypeName)}`, { thingTypeProperties: { ...(input.description === undefined ? {} : { thingTypeDescription: input.description }), ...(input.searchableAttributes === undefined ? {} : { searchableAttributes: input.searchableAttributes }) } }),
    listThingTypes: (nextToken?: string) => client.request<Ok<typeof r.listThingTypes>>('GET', `/thing-types?maxResults=250${page('nextToken', nextToken)}`),
    deleteThingType: (thingTypeName: string) => client.request<Ok<typeof r.deleteThingType>>('DELETE', `/thing-types/${enc(thingTypeName)}`),
    tagResource: (resourceArn: string, tags: Array<{ Key: string; Value: string }>) => client.request<Ok<typeof r.tagResource>>('POST', '/tags', { resourceArn, tags }),
    untagResource: (resourceArn: string, tagKeys: string[]) => client.request<Ok<typeof r.untagResource>>('POST', '/untag', { resourceArn, tagKeys }),
    listTagsForResource: (resourceArn: string, nextToken?: string) => client.request<Ok<typeof r.listTagsForResource>>('GET', `/tags?resourceArn=${enc(resourceArn)}${page('nextToken', nextToken)}`),
    deprecateThingType: (thingTypeName: string, undoDeprecate: boolean) => client.request<Ok<typeof r.deprecateThingType>>('POST', `/thing-types/${enc(thingTypeName)}/deprecate`, { undoDeprecate }),
    createThing: (thingName: string, input: { thingTypeName?: string; attributes?: Record<string, string> } = {}) =>
      client.request<Ok<typeof r.createThing>>('POST', `/things/${enc(thingName)}`, { ...(input.thingTypeName === undefined ? {} : { thingTypeName: input.thingTypeName }), ...(input.attributes === undefined ? {} : { attributePayload: { attributes: input.attributes } }) }),
    describeThing: (thingName: string) => client.request<Ok<typeof r.describeThing>>('GET', `/things/${enc(thingName)}`),
    listThings: (nextToken?: string) => client.request<Ok<typeof r.listThings>>('GET', `/things?maxResults=250${page('nextToken', nextToken)}`),
    updateThing: (thingName: string, body: Body<typeof r.updateThing>) => client.request<Ok<typeof r.updateThing>>('PATCH', `/things/${enc(thingName)}`, body),
    deleteThing: (thingName: string) => client.request<Ok<typeof r.deleteThing>>('DELETE', `/things/${enc(thingName)}`),
    thingPrincipals: (thingName: string) => client.request<Ok<typeof r.listThingPrincipals>>('GET', `/things/${enc(thingName)}/principals?maxResults=250`),
    thingGroups: (thingName: string) => client.request<Ok<typeof r.listThingGroupsForThing>>('GET', `/things/${enc(thingName)}/thing-groups?maxResults=250`),
    attachThingPrincipal: (thingName: string, principal: string) => client.request<Ok<typeof r.attachThingPrincipal>>('PUT', `/things/${enc(thingName)}/principals`, undefined, { 'x-amzn-principal': principal }),

    createThingGroup: (groupName: string, parentGroupName?: string, properties?: Body<typeof r.createThingGroup>['thingGroupProperties']) =>
      client.request<Ok<typeof r.createThingGroup>>('POST', `/thing-groups/${enc(groupName)}`, { ...(parentGroupName === undefined ? {} : { parentGroupName }), ...(properties === undefined ? {} : { thingGroupProperties: properties }) }),
    describeThingGroup: (groupName: string) => client.request<Ok<typeof r.describeThingGroup>>('GET', `/thing-groups/${enc(groupName)}`),
    updateThingGroup: (groupName: string, body: Body<typeof r.updateThingGroup>) => client.request<Ok<typeof r.updateThingGroup>>('PATCH', `/thing-groups/${enc(groupName)}`, body),
    deleteThingGroup: (groupName: string) => client.request<Ok<typeof r.deleteThingGroup>>('DELETE', `/thing-groups/${enc(groupName)}`),
    addThingToThingGroup: (groupName: string, thingName: string) => client.request<Ok<typeof r.addThingToThingGroup>>('PUT', '/thing-groups/addThingToThingGroup', { thingGroupName: groupName, thingName }),
    removeThingFromThingGroup: (groupName: string, thingName: string) => client.request<Ok<typeof r.removeThingFromThingGroup>>('PUT', '/thing-groups/removeThingFromThingGroup', { thingGroupName: groupName, thingName }),
    listThingGroups: (nextToken?: string) => client.request<Ok<typeof r.listThingGroups>>('GET', `/thing-groups?maxResults=250${page('nextToken', nextToken)}`),

    createCertificateFromCsr: (csrPem: string) => client.request<Ok<typeof r.createCertificateFromCsr>>('POST', '/certificates?setAsActive=true', { certificateSigningRequest: csrPem }),
    listCertificates: (marker?: string) => client.request<Ok<typeof r.listCertificates>>('GET', `/certificates?pageSize=250${page('marker', marker)}`),
    describeCertificate: (certificateId: string) => client.request<Ok<typeof r.describeCertificate>>('GET', `/certificates/${enc(certificateId)}`),
    updateCertificate: (certificateId: string, newStatus: 'ACTIVE' | 'INACTIVE' | 'REVOKED') => client.request<Ok<typeof r.updateCertificate>>('PUT', `/certificates/${enc(certificateId)}?newStatus=${newStatus}`),
    listCaCertificates: (marker?: string) => client.request<Ok<typeof r.listCaCertificates>>('GET', `/cacertificates?pageSize=250${page('marker', marker)}`),
    describeCaCertificate: (certificateId: string) => client.request<Ok<typeof r.describeCaCertificate>>('GET', `/cacertificate/${enc(certificateId)}`),
    updateCaCertificate: (certificateId: string, newStatus: 'ACTIVE' | 'INACTIVE') => client.request<Ok<typeof r.updateCaCertificate>>('PUT', `/cacertificate/${enc(certificateId)}?newStatus=${newStatus}`),
    registerCertificate: (certificatePem: string, options: { caCertificatePem?: string; status?: string } = {}) =>
      client.request<Ok<typeof r.registerCertificate>>('POST', '/certificate/register', { certificatePem, ...(options.caCertificatePem === undefined ? {} : { caCertificatePem: options.caCertificatePem }), ...(options.status === undefined ? {} : { status: options.status }) }),
    putCaCrl: (caCertificateId: string, crl: string) => client.request<Ok<typeof r.putCaCrl>>('PUT', `/api/v1/ca-certificates/${enc(caCertificateId)}/crl`, { crl }),
    getCaCrl: (caCertificateId: string) => client.request<Ok<typeof r.getCaCrl>>('GET', `/api/v1/ca-certificates/${enc(caCertificateId)}/crl`),
    builtInCa: () => client.request<Ok<typeof r.builtInCa>>('GET', '/api/v1/registry/ca'),

    createPolicy: (policyName: string, policyDocument: string, options: { rewriteArns?: boolean } = {}) =>
      client.request<Ok<typeof r.createPolicy>>('POST', `/policies/${enc(policyName)}${options.rewriteArns === true ? '?rewriteArns=true' : ''}`, { policyDocument }),
    getPolicy: (policyName: string) => client.request<Ok<typeof r.getPolicy>>('GET', `/policies/${enc(policyName)}`),
    listPolicies: (marker?: string) => client.request<Ok<typeof r.listPolicies>>('GET', `/policies?pageSize=250${page('marker', marker)}`),
    deletePolicy: (policyName: string) => client.request<Ok<typeof r.deletePolicy>>('DELETE', `/policies/${enc(policyName)}`),
    policyVersions: (policyName: string) => client.request<Ok<typeof r.listPolicyVersions>>('GET', `/policies/${enc(policyName)}/version`),
    createPolicyVersion: (policyName: string, policyDocument: string, setAsDefault: boolean, options: { rewriteArns?: boolean } = {}) =>
      client.request<Ok<typeof r.createPolicyVersion>>('POST', `/policies/${enc(policyName)}/version?setAsDefault=${setAsDefault}${options.rewriteArns === true ? '&rewriteArns=true' : ''}`, { policyDocument, setAsDefault }),
    deletePolicyVersion: (policyName: string, versionId: string) => client.request<Ok<typeof r.deletePolicyVersion>>('DELETE', `/policies/${enc(policyName)}/version/${enc(versionId)}`),
    registrationCode: () => client.request<Ok<typeof r.getRegistrationCode>>('GET', '/registrationcode'),
    describeEndpoint: (endpointType = 'iot:Data-ATS') => client.request<Ok<typeof r.describeEndpoint>>('GET', `/endpoint?endpointType=${enc(endpointType)}`),
    registerCaCertificate: (caCertificate: string, options: { verificationCertificate?: string; setAsActive?: boolean } = {}) =>
      client.request<Ok<typeof r.registerCaCertificate>>('POST', `/cacertificate?setAsActive=${options.setAsActive === true}`, { caCertificate, ...(options.verificationCertificate === undefined ? {} : { verificationCertificate: options.verificationCertificate }) }),
    testAuthorization: (body: { principal: string; authInfos: Array<{ actionType: string; resources: string[] }>; policyNamesToAdd?: string[]; policyNamesToSkip?: string[] }, clientId?: string) =>
      client.request<Ok<typeof r.testAuthorization>>('POST', `/test-authorization${clientId === undefined ? '' : `?clientId=${enc(clientId)}`}`, body),
    listTargetsForPolicy: (policyName: string, marker?: string) => client.request<Ok<typeof r.listTargetsForPolicy>>('POST', `/policy-targets/${enc(policyName)}?pageSize=250${page('marker', marker)}`),
    attachPolicy: (policyName: string, target: string) => client.request<Ok<typeof r.attachPolicy>>('PUT', `/target-policies/${enc(policyName)}`, { target }),
  };
}

export type RegistryClient = ReturnType<typeof registryClient>;
