import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { VigilError } from '../core/index.js';
import { checkHttpListener, isLoopbackHost, parseListen, tlsEnabled, type TlsSetting } from '../config/index.js';
import type { TlsCredentials } from '../model/index.js';
import type { VigilConfig } from './config-schema.js';

/** The first listener setting `vigil up` must refuse before opening anything (plain HTTP off loopback, half a TLS pair, a public metrics listener). */
export function listenerProblem(config: VigilConfig): VigilError | undefined {
  const api = checkHttpListener('api', config.api.listen, config.api.tls, config.api.allow_insecure_http);
  if (api !== undefined) return api;
  const hec = checkHttpListener('hec', config.hec.listen, config.hec.tls, config.hec.allow_insecure_http);
  if (hec !== undefined) return hec;
  const metrics = config.api.metrics;
  if (metrics.listen !== '' && !metrics.allow_public && !isLoopbackHost(parseListen(metrics.listen).host)) {
    return new VigilError('config.insecure_listener', `api.metrics.listen is ${metrics.listen}, which other machines can reach, and that listener has no authentication`, {
      hint: 'use a loopback address (127.0.0.1:9464), scrape GET /metrics of the API with secrets/metrics-token, or set api.metrics.allow_public: true on purpose',
    });
  }
  return undefined;
}

/** A listener's TLS identity with its SHA-256 fingerprint (the colon-separated hex that `openssl x509 -fingerprint -sha256` prints). */
export interface ResolvedTls {
  readonly credentials: TlsCredentials;
  readonly fingerprint: string;
}

/**
 * `tls: auto` → the built-in CA's server certificate (secrets/server.pem, the broker's too);
 * `{cert_file, key_file}` → the operator's files (relative to the config file's folder), checked to
 * be a certificate and its key; `off` → undefined.
 */
export function resolveTls(section: string, setting: TlsSetting, builtIn: { readonly certificatePem: string; readonly privateKeyPem: string }, baseDir: string): ResolvedTls | undefined {
  if (setting === 'off' || !tlsEnabled(setting)) return undefined;
  const credentials = setting === 'auto' ? { cert: builtIn.certificatePem, key: builtIn.privateKeyPem } : { cert: readPem(section, 'cert_file', setting.cert_file, baseDir), key: readPem(section, 'key_file', setting.key_file, baseDir) };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credentials.cert);
    if (!certificate.checkPrivateKey(createPrivateKey(credentials.key))) throw new Error('the private key does not belong to the certificate');
  } catch (error) {
    throw new VigilError('config.tls_invalid', `${section}.tls: ${error instanceof Error ? error.message : String(error)}`, { hint: 'cert_file must hold a PEM certificate (server certificate first) and key_file its PEM private key' });
  }
  return { credentials, fingerprint: certificate.fingerprint256 };
}

function readPem(section: string, key: string, file: string, baseDir: string): string {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new VigilError('config.tls_unreadable', `${section}.tls.${key}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { hint: 'check the path and that the user running Vigil may read it' });
  }
}
