/**
 * model: Vigil's domain types (plain readonly data) and the narrow ports through which engines meet
 * (a store port, a notifier, a stream putter…). Engines depend on these interfaces, `store` and other
 * engines implement them, and `app` wires them together. Imports: core only.
 */
export type { AccessKey, AccessKeyStore } from './access-key.js';
export type { Component, Endpoint } from './lifecycle.js';
