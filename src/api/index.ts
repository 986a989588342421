/**
 * api: Vigil's HTTP surface on one fastify server: AWS IoT-compatible control plane, Firehose put
 * API, Splunk search API, Vigil-native `/api/v1`, `/metrics`, `/health`. Bearer-token and AWS SigV4
 * authentication, one error mapper (AWS-style or `{code, message, hint}`), the HTTP contract
 * (`contract/`: one typebox schema per route input and answer, from which fastify validates and the
 * OpenAPI document is generated), and typed clients of its own routes that use the contract's
 * types. Imports: every lower layer (core, model, config, telemetry, protocol, store, engines);
 * never resources, app or cli. `contract/` itself imports only typebox (the console imports it).
 */
export { createApiServer, connectHost, type ApiServer, type ApiConfig, type ApiServerOptions } from './server.js';
export { apiConfigSchema } from './config.js';
export type { ApiDeps } from './deps.js';
export { VigilClient, type ClientOptions } from './client.js';
export { registryClient, type RegistryClient } from './registry-client.js';
export { generateAccessKey, createAccessKey } from './access-keys.js';
export { mapErrorCode, HTTP_BY_KIND, HTTP_BY_CODE, type ErrorStyle, type ErrorMapping } from './errors.js';
export { verifySigV4, parseAuthorization, computeSignature } from './sigv4.js';
export { notifyClient } from './notify-client.js';
export { detectClient, type DetectClient, type ViolationView } from './detect-client.js';
export { rulesClient, type RulesClient } from './rules-client.js';
export { siemClient, type SiemClient, type SearchOptions } from './siem-client.js';
export { streamClient, type StreamClient } from './stream-client.js';
export { auditClient, type AuditClient } from './audit-client.js';
export { lookupClient, type LookupClient } from './lookup-client.js';
export { clusterClient, type ClusterStatusView } from './cluster-client.js';
export type { ClusterStatusSource } from './deps.js';
export { alertsClient, type AlertsClient } from './alerts-client.js';
export { respondClient, type RespondClient } from './respond-client.js';
export { createSessionStore, type SessionStore } from './session.js';
export * from './contract/index.js';
