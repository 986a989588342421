/**
 * notify: Vigil's SNS. Topics (`arn:aws:sns:<region>:<account>:<name>`), subscriptions with the
 * protocols `stream` (SNS envelope of B.7 as one newline-terminated stream record), `https`/`http`
 * (webhook POST with retries, backoff and an HMAC signature) and `mqtt` (publish to a topic), and
 * publish — the `Notifier` port detect, audit and the rules `sns` action use. Deliveries are
 * independent: one failing subscriber never delays the publisher or the others.
 * Imports: core, model, config, telemetry, protocol (the SNS envelope, ARNs, name rules).
 */
export { NotifyEngine, type NotifyEngineDeps, type NotifyConfig, type SubscribeRequest } from './notify-engine.js';
export { notifyConfigSchema } from './config.js';
export { signWebhook, verifyWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';
export { SUBSCRIPTION_PROTOCOLS } from './protocols/index.js';
