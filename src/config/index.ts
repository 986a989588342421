/**
 * config: reading `vigil.yaml`. Generic machinery only: each component keeps its own typebox schema
 * beside its code (written with the helpers here), `app` composes them into the whole, and this
 * module loads a file, applies `VIGIL_*` environment overrides, fills defaults, reports every problem
 * at once with its path and line, freezes the result and renders `vigil config example`.
 * Imports: core and npm only.
 */
export { loadConfig, validateConfig, formatProblems, type LoadOptions, type Loaded } from './load.js';
export { findProblems, type ConfigProblem } from './problems.js';
export { envOverrides, type EnvOverride } from './env.js';
export { renderExample } from './example.js';
export { section, listenAddress, parseListen, formatAuthority, type ListenAddress } from './schema-helpers.js';
export { tlsSetting, tlsEnabled, isLoopbackHost, checkHttpListener, type TlsSetting } from './tls-setting.js';
export { httpTimeouts, closeWithJson } from './http-listener.js';
export { setConfigKeys } from './set-keys.js';
