/**
 * registry: things, thing groups (nested), certificates and CA certificates (the built-in CA issues
 * device and server certificates, signs CSRs and CRLs), IoT policies with versions, attachments,
 * and the IoT policy evaluator (IAM semantics, wildcards, policy variables, conditions) behind a
 * per-connection cached authorizer for the MQTT ingress. Imports: core, model, config, telemetry,
 * protocol (ARNs, name rules), store (secret files) and npm (@peculiar/x509, node:crypto).
 */
export { createRegistry, type Registry, type RegistryOptions } from './registry.js';
export { registryConfigSchema, type RegistryConfig } from './config.js';
export { defaultDevicePolicy, MAX_POLICY_VERSIONS } from './policies-service.js';
export type { Listed, AttributePayload, ThingsService } from './things-service.js';
export type { CertificatesService } from './certificates-service.js';
export { fetchExternalCrls, distributionPointOf, type CrlFetchOptions } from './crl-fetch.js';
export type { PoliciesService } from './policies-service.js';
export type { CertificateAuthority, DeviceKeyType } from './ca/certificate-authority.js';
export { loadOrCreateCa } from './ca/certificate-authority.js';
export { createKeyAndCsr } from './ca/csr.js';
export { certificateFacts, certificateIdOf, type CertificateFacts } from './ca/x509.js';
export { compilePolicy, MAX_POLICY_CHARS, type CompiledPolicy, type CompiledStatement } from './policy/document.js';
export { evaluatePolicies, explainPolicies, type Decision, type Explanation, type NearMiss } from './policy/evaluate.js';
export { ACTION_TYPES, MAX_AUTH_INFOS, type ActionType, type AuthInfo, type AuthResult, type TestAuthorizationRequest } from './test-authorization.js';
export { foreignArns, rewriteForeignArns, type ForeignArn } from './policy/account-arns.js';
export type { PolicyContext, CertificateFields } from './policy/context.js';
