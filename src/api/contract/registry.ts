import { Type, type Static, type TProperties } from 'typebox';
import { awsErrors, contract, Empty, EpochSeconds, List, Open, vigilErrors, NAME_MAX, PathName } from './common.js';

// AWS IoT rest-json: bodies accept members Vigil does not model (the SDK may send them); answers are exact.
const Attributes = Type.Record(Type.String(), Type.String());
const AttributePayload = Open({ attributes: Type.Optional(Attributes), merge: Type.Optional(Type.Boolean()) });
const Page = { nextToken: Type.Optional(Type.String()), maxResults: Type.Optional(Type.Integer()) };
const MarkerPage = { marker: Type.Optional(Type.String()), pageSize: Type.Optional(Type.Integer()), isAscendingOrder: Type.Optional(Type.Boolean()) };
const ExpectedVersion = Type.Object({ expectedVersion: Type.Optional(Type.Integer()) });
const SetAsActive = Type.Object({ setAsActive: Type.Optional(Type.Boolean()) });
const ThingName = Type.Object({ thingName: PathName(NAME_MAX.thing) });
const GroupName = Type.Object({ thingGroupName: PathName(NAME_MAX.thingGroup) });
const ThingTypeName = Type.Object({ thingTypeName: PathName(NAME_MAX.thing) });
const CertificateId = Type.Object({ certificateId: Type.String() });
const PolicyName = Type.Object({ policyName: PathName(NAME_MAX.policy) });
const PolicyVersion = Type.Object({ policyName: PathName(NAME_MAX.policy), policyVersionId: Type.String() });
const Principal = Type.Object({ 'x-amzn-principal': Type.String({ minLength: 1, description: 'the principal (certificate ARN)' }) });
const strict = { additionalProperties: false } as const;

export const ThingSummary = Type.Object({ thingName: Type.String(), thingTypeName: Type.Optional(Type.String()), thingArn: Type.String(), attributes: Attributes, version: Type.Integer() }, strict);
export const ThingDescription = Type.Object({ defaultClientId: Type.String(), thingName: Type.String(), thingId: Type.String(), thingArn: Type.String(), thingTypeName: Type.Optional(Type.String()), attributes: Attributes, version: Type.Integer() }, strict);
export const GroupSummary = Type.Object({ groupName: Type.String(), groupArn: Type.String() }, strict);
export const ThingGroupDescription = Type.Object(
  {
    thingGroupName: Type.String(),
    thingGroupId: Type.String(),
    thingGroupArn: Type.String(),
    version: Type.Integer(),
    thingGroupProperties: Type.Object({ thingGroupDescription: Type.Optional(Type.String()), attributePayload: Type.Object({ attributes: Attributes }, strict) }, strict),
    thingGroupMetadata: Type.Object({ parentGroupName: Type.Optional(Type.String()), rootToParentThingGroups: Type.Optional(List(GroupSummary)), creationDate: EpochSeconds }, strict),
  },
  strict,
);
const Validity = Type.Object({ notBefore: EpochSeconds, notAfter: EpochSeconds }, strict);
export const CertificateDescription = Type.Object(
  {
    certificateArn: Type.String(),
    certificateId: Type.String(),
    caCertificateId: Type.Optional(Type.String()),
    status: Type.String(),
    certificatePem: Type.String(),
    ownedBy: Type.String(),
    creationDate: EpochSeconds,
    lastModifiedDate: EpochSeconds,
    customerVersion: Type.Integer(),
    transferData: Type.Object({}, strict),
    generationId: Type.String(),
    validity: Validity,
    certificateMode: Type.String(),
  },
  strict,
);
export const CaCertificateDescription = Type.Object(
  {
    certificateArn: Type.String(),
    certificateId: Type.String(),
    status: Type.String(),
    certificatePem: Type.String(),
    ownedBy: Type.String(),
    creationDate: EpochSeconds,
    autoRegistrationStatus: Type.Union([Type.Literal('ENABLE'), Type.Literal('DISABLE')]),
    lastModifiedDate: EpochSeconds,
    customerVersion: Type.Integer(),
    generationId: Type.String(),
    validity: Validity,
    certificateMode: Type.String(),
  },
  strict,
);
export const CertificateSummary = Type.Object({ certificateArn: Type.String(), certificateId: Type.String(), status: Type.String(), certificateMode: Type.Optional(Type.String()), creationDate: EpochSeconds }, strict);
const CertificateList = Type.Object({ certificates: List(CertificateSummary), nextMarker: Type.Optional(Type.String()) }, strict);
const CreatedCertificate = Type.Object({ certificateArn: Type.String(), certificateId: Type.String(), certificatePem: Type.String() }, strict);
const RegisteredCertificate = Type.Object({ certificateArn: Type.String(), certificateId: Type.String() }, strict);
export const PolicyView = Type.Object(
  { policyName: Type.String(), policyArn: Type.String(), policyDocument: Type.String(), defaultVersionId: Type.String(), creationDate: EpochSeconds, lastModifiedDate: EpochSeconds, generationId: Type.String() },
  strict,
);
const PolicySummary = Type.Object({ policyName: Type.String(), policyArn: Type.String() }, strict);
const PolicyList = Type.Object({ policies: List(PolicySummary), nextMarker: Type.Optional(Type.String()) }, strict);
const PolicyDocumentBody = Open({ policyDocument: Type.String({ minLength: 1 }) });
/** Vigil's flag (AWS has none): ARNs naming another region/account are rewritten to this server's instead of refused. */
const RewriteArns = Type.Object({ rewriteArns: Type.Optional(Type.Boolean({ description: "Vigil only: rewrite resource ARNs that name another region or account to this server's (reported in rewrittenArns) instead of refusing the policy" })) });
/** Vigil only (AWS SDKs ignore it): the ARNs rewriteArns changed. */
export const RewrittenArns = List(Type.Object({ path: Type.String(), arn: Type.String(), rewritten: Type.String() }, strict));
const ThingTypeProperties = Type.Object({ thingTypeDescription: Type.Optional(Type.String()), searchableAttributes: List(Type.String()) }, strict);
const ThingTypeMetadata = Type.Object({ deprecated: Type.Boolean(), deprecationDate: Type.Optional(EpochSeconds), creationDate: EpochSeconds }, strict);
const TargetBody = Open({ target: Type.String({ minLength: 1 }) });
/** AWS `TagList` on create calls and TagResource: Key required, Value optional (an empty string when absent). */
const TagList = Type.Array(Type.Object({ Key: Type.String(), Value: Type.Optional(Type.String()) }, { additionalProperties: false }), { maxItems: 50 });
const ResourceArnBody = { resourceArn: Type.String({ minLength: 1 }) };
const ok = <P extends TProperties>(properties: P) => ({ 200: Type.Object(properties, strict), ...awsErrors });
const done = { 200: Empty, ...awsErrors };

const PolicyRefs = Type.Object({ policies: List(Type.Object({ policyName: Type.String(), policyArn: Type.String() }, strict)) }, strict);
export const AuthResult = Type.Object(
  {
    authInfo: Type.Object({ actionType: Type.String(), resources: List(Type.String()) }, strict),
    allowed: PolicyRefs,
    denied: Type.Object({ implicitDeny: PolicyRefs, explicitDeny: PolicyRefs }, strict),
    authDecision: Type.Union([Type.Literal('ALLOWED'), Type.Literal('EXPLICIT_DENY'), Type.Literal('IMPLICIT_DENY')]),
    missingContextValues: List(Type.String()),
    explanations: Type.Optional(List(Type.String(), { description: 'Vigil only (AWS SDKs ignore it): per resource, the statement that decided or the statements that failed to match' })),
  },
  strict,
);

/** AWS IoT things, thing groups, certificates, CA certificates, principals and policies (service model paths). */
export const registryContract = contract({
  createThing: { params: ThingName, body: Open({ thingTypeName: Type.Optional(Type.String()), attributePayload: Type.Optional(AttributePayload) }), response: ok({ thingName: Type.String(), thingArn: Type.String(), thingId: Type.String() }) },
  describeThing: { params: ThingName, response: { 200: ThingDescription, ...awsErrors } },
  listThings: {
    querystring: Type.Object({ ...Page, thingTypeName: Type.Optional(Type.String()), attributeName: Type.Optional(Type.String()), attributeValue: Type.Optional(Type.String()), usePrefixAttributeValue: Type.Optional(Type.Boolean()) }),
    response: ok({ things: List(ThingSummary), nextToken: Type.Optional(Type.String()) }),
  },
  updateThing: { params: ThingName, body: Open({ thingTypeName: Type.Optional(Type.String()), removeThingType: Type.Optional(Type.Boolean()), attributePayload: Type.Optional(AttributePayload), expectedVersion: Type.Optional(Type.Integer()) }), response: done },
  deleteThing: { params: ThingName, querystring: ExpectedVersion, response: done },
  addThingToThingGroup: { body: Open({ thingGroupName: Type.Optional(Type.String()), thingGroupArn: Type.Optional(Type.String()), thingName: Type.Optional(Type.String()), thingArn: Type.Optional(Type.String()) }), response: done },
  removeThingFromThingGroup: { body: Open({ thingGroupName: Type.Optional(Type.String()), thingGroupArn: Type.Optional(Type.String()), thingName: Type.Optional(Type.String()), thingArn: Type.Optional(Type.String()) }), response: done },
  createThingGroup: {
    params: GroupName,
    body: Open({ parentGroupName: Type.Optional(Type.String()), thingGroupProperties: Type.Optional(Open({ thingGroupDescription: Type.Optional(Type.String()), attributePayload: Type.Optional(AttributePayload) })), tags: Type.Optional(TagList) }),
    response: ok({ thingGroupName: Type.String(), thingGroupArn: Type.String(), thingGroupId: Type.String() }),
  },
  describeThingGroup: { params: GroupName, response: { 200: ThingGroupDescription, ...awsErrors } },
  listThingGroups: {
    querystring: Type.Object({ ...Page, parentGroup: Type.Optional(Type.String()), namePrefixFilter: Type.Optional(Type.String()), recursive: Type.Optional(Type.Boolean()) }),
    response: ok({ thingGroups: List(GroupSummary), nextToken: Type.Optional(Type.String()) }),
  },
  createThingType: {
    params: ThingTypeName,
    body: Open({ thingTypeProperties: Type.Optional(Open({ thingTypeDescription: Type.Optional(Type.String()), searchableAttributes: Type.Optional(Type.Array(Type.String())) })), tags: Type.Optional(TagList) }),
    response: ok({ thingTypeName: Type.String(), thingTypeArn: Type.String(), thingTypeId: Type.String() }),
  },
  describeThingType: { params: ThingTypeName, response: ok({ thingTypeName: Type.String(), thingTypeId: Type.String(), thingTypeArn: Type.String(), thingTypeProperties: ThingTypeProperties, thingTypeMetadata: ThingTypeMetadata }) },
  listThingTypes: {
    querystring: Type.Object({ ...Page, thingTypeName: Type.Optional(Type.String()) }),
    response: ok({ thingTypes: List(Type.Object({ thingTypeName: Type.String(), thingTypeArn: Type.String(), thingTypeProperties: ThingTypeProperties, thingTypeMetadata: ThingTypeMetadata }, strict)), nextToken: Type.Optional(Type.String()) }),
  },
  deleteThingType: { params: ThingTypeName, response: done },
  tagResource: { body: Open({ ...ResourceArnBody, tags: TagList }), response: done },
  untagResource: { body: Open({ ...ResourceArnBody, tagKeys: Type.Array(Type.String(), { maxItems: 50 }) }), response: done },
  listTagsForResource: { querystring: Type.Object({ resourceArn: Type.String({ minLength: 1 }), nextToken: Type.Optional(Type.String()) }), response: ok({ tags: List(Type.Object({ Key: Type.String(), Value: Type.String() }, strict)), nextToken: Type.Optional(Type.String()) }) },
  deprecateThingType: { params: ThingTypeName, body: Open({ undoDeprecate: Type.Optional(Type.Boolean()) }), response: done },
  updateThingGroup: {
    params: GroupName,
    body: Open({ thingGroupProperties: Open({ thingGroupDescription: Type.Optional(Type.String()), attributePayload: Type.Optional(AttributePayload) }), expectedVersion: Type.Optional(Type.Integer()) }),
    response: ok({ version: Type.Integer() }),
  },
  deleteThingGroup: { params: GroupName, querystring: ExpectedVersion, response: done },
  listThingsInThingGroup: { params: GroupName, querystring: Type.Object({ ...Page, recursive: Type.Optional(Type.Boolean()) }), response: ok({ things: List(Type.String()), nextToken: Type.Optional(Type.String()) }) },
  listThingGroupsForThing: { params: ThingName, querystring: Type.Object(Page), response: ok({ thingGroups: List(GroupSummary), nextToken: Type.Optional(Type.String()) }) },

  createKeysAndCertificate: { querystring: SetAsActive, response: ok({ certificateArn: Type.String(), certificateId: Type.String(), certificatePem: Type.String(), keyPair: Type.Object({ PublicKey: Type.String(), PrivateKey: Type.String() }, strict) }) },
  createCertificateFromCsr: { querystring: SetAsActive, body: Open({ certificateSigningRequest: Type.String({ minLength: 1 }) }), response: { 200: CreatedCertificate, ...awsErrors } },
  registerCertificate: { querystring: SetAsActive, body: Open({ certificatePem: Type.String({ minLength: 1 }), caCertificatePem: Type.Optional(Type.String()), status: Type.Optional(Type.String()) }), response: { 200: RegisteredCertificate, ...awsErrors } },
  registerCaCertificate: { querystring: Type.Object({ setAsActive: Type.Optional(Type.Boolean()), allowAutoRegistration: Type.Optional(Type.Boolean()) }), body: Open({ caCertificate: Type.String({ minLength: 1 }), verificationCertificate: Type.Optional(Type.String({ minLength: 1 })), tags: Type.Optional(TagList) }), response: { 200: RegisteredCertificate, ...awsErrors } },
  getRegistrationCode: { response: ok({ registrationCode: Type.String() }) },
  describeEndpoint: { querystring: Type.Object({ endpointType: Type.Optional(Type.String()) }), response: ok({ endpointAddress: Type.String() }) },
  describeCertificate: { params: CertificateId, response: ok({ certificateDescription: CertificateDescription }) },
  describeCaCertificate: { params: CertificateId, response: ok({ certificateDescription: CaCertificateDescription }) },
  listCertificates: { querystring: Type.Object(MarkerPage), response: { 200: CertificateList, ...awsErrors } },
  listCertificatesByCa: { params: Type.Object({ caCertificateId: Type.String() }), querystring: Type.Object(MarkerPage), response: { 200: CertificateList, ...awsErrors } },
  listCaCertificates: { querystring: Type.Object(MarkerPage), response: { 200: CertificateList, ...awsErrors } },
  updateCertificate: { params: CertificateId, querystring: Type.Object({ newStatus: Type.String() }), response: done },
  deleteCaCertificate: { params: Type.Object({ caCertificateId: Type.String() }), response: done },
  updateCaCertificate: { params: CertificateId, querystring: Type.Object({ newStatus: Type.Optional(Type.String()), newAutoRegistrationStatus: Type.Optional(Type.String()) }), response: done },
  deleteCertificate: { params: CertificateId, querystring: Type.Object({ forceDelete: Type.Optional(Type.Boolean()) }), response: done },
  attachThingPrincipal: { params: ThingName, headers: Principal, querystring: Type.Object({ thingPrincipalType: Type.Optional(Type.String()) }), response: done },
  detachThingPrincipal: { params: ThingName, headers: Principal, response: done },
  listThingPrincipals: { params: ThingName, querystring: Type.Object(Page), response: ok({ principals: List(Type.String()), nextToken: Type.Optional(Type.String()) }) },
  listPrincipalThings: { headers: Principal, querystring: Type.Object(Page), response: ok({ things: List(Type.String()), nextToken: Type.Optional(Type.String()) }) },
  putCaCrl: {
    params: Type.Object({ caCertificateId: Type.String() }),
    body: Type.Object({ crl: Type.String({ minLength: 1, maxLength: 10_485_760, description: 'The CRL as PEM (-----BEGIN X509 CRL-----) or base64 DER, signed by the CA' }) }, strict),
    response: { 200: Type.Object({ caCertificateId: Type.String(), revokedCount: Type.Integer(), thisUpdate: Type.String(), nextUpdate: Type.Union([Type.String(), Type.Null()]) }, strict), ...vigilErrors },
  },
  getCaCrl: { params: Type.Object({ caCertificateId: Type.String() }), response: { 200: Type.Object({ caCertificateId: Type.String(), crlPem: Type.Union([Type.String(), Type.Null()]) }, strict), ...vigilErrors } },
  builtInCa: { response: { 200: Type.Object({ caCertificateId: Type.String(), caCertificatePem: Type.String(), crlPem: Type.Union([Type.String(), Type.Null()]), defaultPolicyName: Type.String() }, strict), ...vigilErrors } },

  createPolicy: { params: PolicyName, querystring: RewriteArns, body: Open({ policyDocument: Type.String({ minLength: 1 }), tags: Type.Optional(TagList) }), response: ok({ policyName: Type.String(), policyArn: Type.String(), policyDocument: Type.String(), policyVersionId: Type.String(), rewrittenArns: Type.Optional(RewrittenArns) }) },
  getPolicy: { params: PolicyName, response: { 200: PolicyView, ...awsErrors } },
  listPolicies: { querystring: Type.Object(MarkerPage), response: { 200: PolicyList, ...awsErrors } },
  deletePolicy: { params: PolicyName, response: done },
  createPolicyVersion: {
    params: PolicyName,
    querystring: Type.Object({ setAsDefault: Type.Optional(Type.Boolean()), ...RewriteArns.properties }),
    body: PolicyDocumentBody,
    response: ok({ policyArn: Type.String(), policyDocument: Type.String(), policyVersionId: Type.String(), isDefaultVersion: Type.Boolean(), rewrittenArns: Type.Optional(RewrittenArns) }),
  },
  listPolicyVersions: { params: PolicyName, response: ok({ policyVersions: List(Type.Object({ versionId: Type.String(), isDefaultVersion: Type.Boolean(), createDate: EpochSeconds }, strict)) }) },
  getPolicyVersion: {
    params: PolicyVersion,
    response: ok({ policyArn: Type.String(), policyName: Type.String(), policyDocument: Type.String(), policyVersionId: Type.String(), isDefaultVersion: Type.Boolean(), creationDate: EpochSeconds, lastModifiedDate: EpochSeconds, generationId: Type.String() }),
  },
  setDefaultPolicyVersion: { params: PolicyVersion, response: done },
  deletePolicyVersion: { params: PolicyVersion, response: done },
  attachPolicy: { params: PolicyName, body: TargetBody, response: done },
  detachPolicy: { params: PolicyName, body: TargetBody, response: done },
  listAttachedPolicies: { params: Type.Object({ target: Type.String() }), querystring: Type.Object({ recursive: Type.Optional(Type.Boolean()), marker: Type.Optional(Type.String()), pageSize: Type.Optional(Type.Integer()) }), response: { 200: PolicyList, ...awsErrors } },
  testAuthorization: {
    querystring: Type.Object({ clientId: Type.Optional(Type.String()) }),
    body: Open({
      principal: Type.Optional(Type.String()),
      cognitoIdentityPoolId: Type.Optional(Type.String()),
      authInfos: Type.Array(Open({ actionType: Type.Optional(Type.String()), resources: Type.Array(Type.String()) })),
      policyNamesToAdd: Type.Optional(Type.Array(Type.String())),
      policyNamesToSkip: Type.Optional(Type.Array(Type.String())),
    }),
    response: ok({ authResults: List(AuthResult) }),
  },
  listTargetsForPolicy: { params: PolicyName, querystring: Type.Object({ marker: Type.Optional(Type.String()), pageSize: Type.Optional(Type.Integer()) }), response: ok({ targets: List(Type.String()), nextMarker: Type.Optional(Type.String()) }) },
});

export type ThingSummary = Static<typeof ThingSummary>;
export type ThingDescription = Static<typeof ThingDescription>;
export type ThingGroupDescription = Static<typeof ThingGroupDescription>;
export type CertificateDescription = Static<typeof CertificateDescription>;
export type CertificateSummary = Static<typeof CertificateSummary>;
export type PolicyView = Static<typeof PolicyView>;
