/** A registered device (AWS IoT thing). */
export interface Thing {
  readonly thingName: string;
  /** A UUID, as AWS prints it. */
  readonly thingId: string;
  readonly thingTypeName: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  /** Starts at 1; each update adds 1 (optimistic concurrency through `expectedVersion`). */
  readonly version: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** A static thing group; groups nest (a group has at most one parent). */
export interface ThingGroup {
  readonly groupName: string;
  readonly groupId: string;
  readonly parentGroupName: string | undefined;
  readonly description: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly version: number;
  readonly createdAt: number;
}

/** An AWS IoT thing type. */
export interface ThingType {
  readonly thingTypeName: string;
  /** A UUID, as AWS prints it. */
  readonly thingTypeId: string;
  readonly description: string | undefined;
  readonly searchableAttributes: readonly string[];
  readonly deprecated: boolean;
  /** Epoch milliseconds; set while deprecated. */
  readonly deprecatedAt: number | undefined;
  readonly createdAt: number;
}

export type CertificateStatus = 'ACTIVE' | 'INACTIVE' | 'REVOKED' | 'PENDING_TRANSFER' | 'REGISTER_INACTIVE' | 'PENDING_ACTIVATION';
export type CaCertificateStatus = 'ACTIVE' | 'INACTIVE';

/** A device certificate known to the registry. `certificateId` is the lowercase hex SHA-256 of its DER. */
export interface Certificate {
  readonly certificateId: string;
  /** The registered CA that issued it, when known. */
  readonly caCertificateId: string | undefined;
  readonly status: CertificateStatus;
  readonly certificatePem: string;
  /** Hex serial number as the certificate carries it (uppercase, no separators). */
  readonly serialNumber: string;
  readonly subject: string;
  readonly issuer: string;
  /** Validity, epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Counts updates (AWS `customerVersion`). */
  readonly customerVersion: number;
  readonly generationId: string;
}

/** A registered certificate authority (the built-in one or an external one). */
export interface CaCertificate {
  readonly certificateId: string;
  readonly status: CaCertificateStatus;
  readonly certificatePem: string;
  readonly autoRegistration: boolean;
  /** True for the CA Vigil created and holds the key of. */
  readonly builtIn: boolean;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly customerVersion: number;
  readonly generationId: string;
  /** The latest CRL (PEM) when Vigil signs this CA's CRLs (built-in CA only). */
  readonly crlPem: string | undefined;
}

/** A named IoT policy; its document lives in versions, one of which is the default. */
export interface Policy {
  readonly policyName: string;
  readonly defaultVersionId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly generationId: string;
}

export interface PolicyVersion {
  readonly policyName: string;
  /** "1", "2", …; ids are never reused within a policy. */
  readonly versionId: string;
  readonly document: string;
  readonly createdAt: number;
}

/** What a policy can be attached to: a certificate (by id) or a thing group (by name). */
export type PolicyTarget = { readonly kind: 'cert'; readonly id: string } | { readonly kind: 'thinggroup'; readonly id: string };

export type ThingPrincipalType = 'EXCLUSIVE_THING' | 'NON_EXCLUSIVE_THING';

/** One page of a list; `next` is an opaque cursor for the following page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | undefined;
}

/** A resource tag as stored (AWS `Tag`: `Key`, `Value`). */
export interface ResourceTag {
  readonly key: string;
  readonly value: string;
}

/** Tags of any resource, keyed by its ARN (TagResource / UntagResource / ListTagsForResource). */
export interface TagStore {
  /** Adds the tags; a key the resource has already gets the new value. */
  putTags(resourceArn: string, tags: readonly ResourceTag[]): Promise<void>;
  removeTags(resourceArn: string, keys: readonly string[]): Promise<void>;
  /** By key; the cursor is the last key returned. */
  listTags(resourceArn: string, page: PageRequest): Promise<Page<ResourceTag>>;
  /** The keys the resource has (for the per-resource limit). */
  tagKeys(resourceArn: string): Promise<string[]>;
  /** Every tag of the resource (it was deleted). */
  deleteTags(resourceArn: string): Promise<void>;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface ThingQuery extends PageRequest {
  readonly thingTypeName?: string | undefined;
  readonly attributeName?: string | undefined;
  readonly attributeValue?: string | undefined;
  /** Match `attributeValue` as a prefix. */
  readonly usePrefixAttributeValue?: boolean | undefined;
}

export interface ThingGroupQuery extends PageRequest {
  /** Only the direct children of this group (all descendants with `recursive`). */
  readonly parentGroupName?: string | undefined;
  readonly namePrefix?: string | undefined;
  readonly recursive?: boolean | undefined;
}

/** Storage port for things, thing groups and memberships. Names are unique; lists are by name. */
export interface ThingStore {
  /** False when a thing with that name exists. */
  createThing(thing: Thing): Promise<boolean>;
  getThing(thingName: string): Promise<Thing | undefined>;
  listThings(query: ThingQuery): Promise<Page<Thing>>;
  /** Replaces the thing when its stored version is `thing.version - 1`; false otherwise. */
  updateThing(thing: Thing): Promise<boolean>;
  /** Deletes the thing and its memberships; false when absent. */
  deleteThing(thingName: string): Promise<boolean>;

  createGroup(group: ThingGroup): Promise<boolean>;
  getGroup(groupName: string): Promise<ThingGroup | undefined>;
  listGroups(query: ThingGroupQuery): Promise<Page<ThingGroup>>;
  /** False when a thing type with that name exists. */
  createThingType(type: ThingType): Promise<boolean>;
  getThingType(thingTypeName: string): Promise<ThingType | undefined>;
  /** By name; `thingTypeName` narrows to that one. */
  listThingTypes(query: PageRequest & { thingTypeName?: string | undefined }): Promise<Page<ThingType>>;
  /** Sets or clears the deprecation; false when absent. */
  setThingTypeDeprecated(thingTypeName: string, deprecatedAt: number | undefined): Promise<boolean>;
  /** False when absent. */
  deleteThingType(thingTypeName: string): Promise<boolean>;

  /** Replaces description and attributes when the stored version is `group.version - 1`; false otherwise. */
  updateGroup(group: ThingGroup): Promise<boolean>;
  /** Deletes the group and its memberships; false when absent. */
  deleteGroup(groupName: string): Promise<boolean>;

  /** False when already a member. */
  addMember(groupName: string, thingName: string, now: number): Promise<boolean>;
  removeMember(groupName: string, thingName: string): Promise<boolean>;
  /** Direct groups of a thing, by name. */
  groupsOfThing(thingName: string): Promise<string[]>;
  /** Things directly in any of `groupNames`, by name, without duplicates. */
  membersOf(groupNames: readonly string[], page: PageRequest): Promise<Page<string>>;
}

export interface CertificateQuery extends PageRequest {
  readonly ascending?: boolean | undefined;
  readonly caCertificateId?: string | undefined;
}

/** Storage port for device certificates, CA certificates and thing ↔ certificate attachments. */
export interface CertificateStore {
  create(certificate: Certificate): Promise<boolean>;
  get(certificateId: string): Promise<Certificate | undefined>;
  /** By creation time (then id). */
  list(query: CertificateQuery): Promise<Page<Certificate>>;
  /** Sets status, `updatedAt`, bumps `customerVersion`; records the revocation time for REVOKED. */
  updateStatus(certificateId: string, status: CertificateStatus, now: number): Promise<boolean>;
  delete(certificateId: string): Promise<boolean>;
  /** Revoked certificates issued by a CA: serial and revocation time, for its CRL. */
  revokedBy(caCertificateId: string): Promise<Array<{ serialNumber: string; revokedAt: number }>>;

  createCa(ca: CaCertificate): Promise<boolean>;
  getCa(certificateId: string): Promise<CaCertificate | undefined>;
  listCa(query: PageRequest & { ascending?: boolean | undefined }): Promise<Page<CaCertificate>>;
  updateCa(certificateId: string, change: { status?: CaCertificateStatus; autoRegistration?: boolean; crlPem?: string }, now: number): Promise<boolean>;
  /** False when absent. The caller checks that no certificate names it. */
  deleteCa(certificateId: string): Promise<boolean>;

  /** False when already attached. */
  attachThing(thingName: string, certificateId: string, type: ThingPrincipalType, now: number): Promise<boolean>;
  detachThing(thingName: string, certificateId: string): Promise<boolean>;
  principalsOfThing(thingName: string, page: PageRequest): Promise<Page<string>>;
  thingsOfPrincipal(certificateId: string, page: PageRequest): Promise<Page<string>>;
  /** Drops every attachment of a thing (when the thing is deleted). */
  detachAllOfThing(thingName: string): Promise<void>;
}

/** Storage port for policies, their versions and their attachments to targets. */
export interface PolicyStore {
  /** Creates the policy with version "1" as default; false when the name exists. */
  create(policyName: string, document: string, now: number, generationId: string): Promise<boolean>;
  get(policyName: string): Promise<Policy | undefined>;
  list(query: PageRequest & { ascending?: boolean | undefined }): Promise<Page<Policy>>;
  /** Deletes the policy and all its versions; false when absent. */
  delete(policyName: string): Promise<boolean>;

  /** Adds the next version (ids never reused); optionally makes it the default. */
  addVersion(policyName: string, document: string, setAsDefault: boolean, now: number, generationId: string): Promise<PolicyVersion | undefined>;
  getVersion(policyName: string, versionId: string): Promise<PolicyVersion | undefined>;
  /** Newest first. */
  listVersions(policyName: string): Promise<PolicyVersion[]>;
  setDefaultVersion(policyName: string, versionId: string, now: number, generationId: string): Promise<boolean>;
  deleteVersion(policyName: string, versionId: string): Promise<boolean>;

  /** False when already attached. */
  attach(policyName: string, target: PolicyTarget, now: number): Promise<boolean>;
  detach(policyName: string, target: PolicyTarget): Promise<boolean>;
  targetsOf(policyName: string, page: PageRequest): Promise<Page<PolicyTarget>>;
  /** Names of policies attached to a target, by name. */
  policiesOf(target: PolicyTarget, page: PageRequest): Promise<Page<string>>;
  /** Every policy attached to any of the targets, with its default version's document. */
  effectivePolicies(targets: readonly PolicyTarget[]): Promise<Array<{ policyName: string; versionId: string; document: string }>>;
  /** Drops every attachment of a target (when the certificate or group is deleted). */
  detachTarget(target: PolicyTarget): Promise<void>;
}
