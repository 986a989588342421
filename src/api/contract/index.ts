/**
 * The HTTP contract: one typebox schema per route's params, query, body and responses, grouped by
 * route family. Routes register with these (fastify validates requests with them, @fastify/swagger
 * documents them), and the typed clients, `vigil apply` and the console import their static types.
 * Imports only typebox, so the console's own build can import the types too.
 */
export * from './common.js';
export * from './access-keys.js';
export * from './console.js';
export * from './live.js';
export * from './notify.js';
export * from './streams.js';
export * from './siem.js';
export * from './saved-searches.js';
export * from './registry.js';
export * from './detect.js';
export * from './audit.js';
export * from './rules.js';
export * from './firehose.js';
export * from './splunk.js';
export * from './system.js';
export * from './cluster.js';
export * from './lists.js';
export * from './playbooks.js';
