import type { CertificateStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { x509 } from './ca/x509.js';
import type { CertificatesService } from './certificates-service.js';

export interface CrlFetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly now: () => number;
}

/**
 * Fetches the CRL of each registered external CA from the CRL distribution point (http or https)
 * of its first registered certificate, and stores it through `putCrl` (so its signature is checked
 * like an upload). A CA whose stored CRL has a `nextUpdate` still ahead is skipped. Failures are
 * logged and counted, never thrown: the audit runs with the CRLs it has.
 */
export async function fetchExternalCrls(store: CertificateStore, service: Pick<CertificatesService, 'putCrl'>, telemetry: Telemetry, options: CrlFetchOptions): Promise<void> {
  try {
    await fetchAll(store, service, telemetry, options);
  } catch (error) {
    telemetry.emit('component_error', { component: 'audit', code: 'audit.crl_fetch_failed', stage: 'crl_fetch' }, { err: error instanceof Error ? error.message : String(error) });
  }
}

async function fetchAll(store: CertificateStore, service: Pick<CertificatesService, 'putCrl'>, telemetry: Telemetry, options: CrlFetchOptions): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await store.listCa({ limit: 100, cursor });
    for (const ca of page.items) {
      if (ca.builtIn || ca.status !== 'ACTIVE') continue;
      if (ca.crlPem !== undefined && nextUpdateOf(ca.crlPem) > options.now()) {
        telemetry.emit('crl_fetched', { result: 'not_due' }, { caCertificateId: ca.certificateId });
        continue;
      }
      const first = (await store.list({ limit: 1, caCertificateId: ca.certificateId })).items[0];
      const url = first === undefined ? undefined : distributionPointOf(first.certificatePem);
      if (url === undefined) continue;
      try {
        const body = await download(url, options);
        const text = body.includes('-----BEGIN') ? body.toString('utf8') : body.toString('base64');
        await service.putCrl(ca.certificateId, text);
        telemetry.emit('crl_fetched', { result: 'stored' }, { caCertificateId: ca.certificateId, url });
      } catch (error) {
        telemetry.emit('crl_fetched', { result: 'failed' }, { caCertificateId: ca.certificateId, url, why: error instanceof Error ? error.message : String(error) });
      }
    }
    cursor = page.next;
  } while (cursor !== undefined);
}

function nextUpdateOf(pem: string): number {
  try {
    return new x509.X509Crl(pem).nextUpdate?.getTime() ?? 0;
  } catch {
    return 0;
  }
}

/** The first http(s) URL of a certificate's CRL distribution points extension. */
export function distributionPointOf(pem: string): string | undefined {
  try {
    const extension = new x509.X509Certificate(pem).getExtension(x509.CRLDistributionPointsExtension);
    for (const point of extension?.distributionPoints ?? []) {
      for (const name of point.distributionPoint?.fullName ?? []) {
        const uri = name.uniformResourceIdentifier;
        if (uri !== undefined && /^https?:\/\//i.test(uri)) return uri;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** GET with a timeout and a size cap (the body is read as it arrives and cut off past the cap). */
async function download(url: string, options: CrlFetchOptions): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > options.maxBytes) throw new Error(`the CRL is ${declared} bytes, over audit.crl_max_bytes (${options.maxBytes})`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > options.maxBytes) throw new Error(`the CRL is over audit.crl_max_bytes (${options.maxBytes})`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}
