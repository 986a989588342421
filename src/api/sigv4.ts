import { createHash, createHmac } from 'node:crypto';
import { VigilError, constantTimeEqual, err, ok, type Result } from '../core/index.js';

/** The parts of an HTTP request that a SigV4 signature covers. */
export interface SignedRequest {
  readonly method: string;
  /** The raw request target as received: path and query string, still percent-encoded. */
  readonly url: string;
  /** Header names in lower case; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array | undefined;
}

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const AUTH_PATTERN = /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;._-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/i;

export function parseAuthorization(header: string): Result<ParsedAuthorization> {
  const match = AUTH_PATTERN.exec(header.trim());
  if (match === null) return err(new VigilError('auth.malformed_signature', 'the Authorization header is not a valid AWS4-HMAC-SHA256 signature'));
  const [, accessKeyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = match;
  return ok({ accessKeyId, date, region, service, signedHeaders: signedHeaders.toLowerCase().split(';'), signature: signature.toLowerCase() });
}

/**
 * Verifies a SigV4 (`AWS4-HMAC-SHA256`, header form) signature with the caller's secret, and that the
 * request time is within `maxSkewMs` of `nowMs`. Canonicalization follows the AWS SDK's signer for
 * non-S3 services (path segments normalized, then URI-encoded once more).
 */
export function verifySigV4(request: SignedRequest, auth: ParsedAuthorization, secret: string, nowMs: number, maxSkewMs: number): Result<void> {
  const amzDate = header(request.headers, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return err(new VigilError('auth.signature_mismatch', 'the request has no valid X-Amz-Date header'));
  }
  const requestTime = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs(nowMs - requestTime) > maxSkewMs) {
    return err(new VigilError('auth.request_expired', `Signature expired: ${amzDate} is more than ${Math.round(maxSkewMs / 60000)} minutes from the server time`, { hint: "check the client's clock" }));
  }
  if (!auth.signedHeaders.includes('host')) return err(new VigilError('auth.signature_mismatch', 'the signature must cover the Host header'));
  const declaredHash = header(request.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== sha256Hex(request.body ?? new Uint8Array())) {
    return err(new VigilError('auth.signature_mismatch', 'The provided x-amz-content-sha256 header does not match what was computed (unsigned payloads are not accepted).'));
  }
  const expected = computeSignature(request, auth, secret, amzDate);
  if (!constantTimeEqual(expected, auth.signature)) {
    return err(new VigilError('auth.signature_mismatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.'));
  }
  return ok(undefined);
}

export function computeSignature(request: SignedRequest, auth: ParsedAuthorization, secret: string, amzDate: string): string {
  const questionMark = request.url.indexOf('?');
  const rawPath = questionMark < 0 ? request.url : request.url.slice(0, questionMark);
  const rawQuery = questionMark < 0 ? '' : request.url.slice(questionMark + 1);
  const canonicalHeaders = auth.signedHeaders.map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  // The signed hash must be the body's real hash: a client-supplied header alone proves nothing.
  const payloadHash = sha256Hex(request.body ?? new Uint8Array());
  const canonicalRequest = [request.method.toUpperCase(), canonicalPath(rawPath), canonicalQuery(rawQuery), canonicalHeaders, auth.signedHeaders.join(';'), payloadHash].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  return createHmac('sha256', signingKey(secret, auth)).update(stringToSign).digest('hex');
}

// The derived key changes only with the day, region and service: caching it saves four HMACs a request.
const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, auth: ParsedAuthorization): Buffer {
  const cacheKey = `${auth.date}\u0000${auth.region}\u0000${auth.service}\u0000${secret}`;
  const cached = signingKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  const kDate = hmac(`AWS4${secret}`, auth.date);
  const kRegion = hmac(kDate, auth.region);
  const kService = hmac(kRegion, auth.service);
  const key = hmac(kService, 'aws4_request');
  if (signingKeys.size >= 1000) signingKeys.clear();
  signingKeys.set(cacheKey, key);
  return key;
}

function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = safeDecode(equals < 0 ? part : part.slice(0, equals));
    const value = equals < 0 ? '' : safeDecode(part.slice(equals + 1));
    if (key.toLowerCase() === 'x-amz-signature') continue;
    pairs.push([escapeUri(key), escapeUri(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
