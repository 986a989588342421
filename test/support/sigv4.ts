import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedFetchOptions {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly service?: string;
  readonly region?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly signingDate?: Date;
}

/** Sends a request signed by the AWS SDK's own SigV4 signer (the reference implementation). */
export async function signedFetch(method: string, url: string, options: SignedFetchOptions): Promise<Response> {
  const parsed = new URL(url);
  const query: Record<string, string> = {};
  parsed.searchParams.forEach((value, key) => (query[key] = value));
  const request = new HttpRequest({
    method,
    protocol: parsed.protocol,
    hostname: parsed.hostname,
    port: Number(parsed.port),
    path: parsed.pathname,
    query,
    headers: { host: parsed.host, ...(options.headers ?? {}) },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    region: options.region ?? 'local',
    service: options.service ?? 'iot',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(request, options.signingDate === undefined ? {} : { signingDate: options.signingDate });
  const headers = { ...signed.headers };
  delete headers['host'];
  return fetch(url, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
}
