/**
 * api: Vigil's HTTP surface on one fastify server: AWS IoT-compatible control plane, Firehose put
 * API, Splunk search API, Vigil-native `/api/v1`, `/metrics`, `/health`. Bearer-token and AWS SigV4
 * authentication, one error mapper (AWS-style or `{code, message, hint}`), OpenAPI, and a typed
 * client of its own routes. Imports: every lower layer (core, model, config, telemetry, protocol,
 * store, engines); never app or cli.
 */
export { createApiServer, connectHost, type ApiServer, type ApiConfig } from './server.js';
export { apiConfigSchema } from './config.js';
export type { ApiDeps } from './deps.js';
export { VigilClient, type ClientOptions } from './client.js';
export { registryClient, type RegistryClient, type ThingSummary, type CertificateDescription } from './registry-client.js';
export { generateAccessKey, createAccessKey } from './access-keys.js';
export { mapErrorCode, HTTP_BY_KIND, HTTP_BY_CODE, type ErrorStyle, type ErrorMapping } from './errors.js';
export { verifySigV4, parseAuthorization, computeSignature } from './sigv4.js';
export { notifyClient, type TopicView, type SubscriptionView } from './notify-client.js';
export { detectClient, type DetectClient, type ProfileDocument, type ViolationView } from './detect-client.js';
export { siemClient, type SiemClient, type SearchView, type SearchOptions, type HecTokenView, type HecTokenRequest, type IndexView } from './siem-client.js';
export { streamClient, type StreamClient } from './stream-client.js';
export { auditClient, type AuditClient, type AuditFindingView, type AuditTaskView } from './audit-client.js';
export { lookupClient, type LookupClient, type LookupView } from './lookup-client.js';
export { alertsClient, type AlertsClient, type SavedSearchView, type SavedSearchRequest, type AlertRunView } from './alerts-client.js';
export { createSessionStore, type SessionStore } from './session.js';
export { hecTokenBodySchema } from './routes/siem-admin.js';
