import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../support/sigv4.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

let vigil: TestVigil;
let api: string;
let key: { accessKeyId: string; secretAccessKey: string };

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
  key = await vigil.client.accessKeys.create('api test');
});
afterAll(() => vigil.stop());

describe('API authentication', () => {
  it('serves /health without credentials', async () => {
    const response = await fetch(`${api}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('refuses /metrics without credentials with 401 and a Vigil-style error', async () => {
    const response = await fetch(`${api}/metrics`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { code: string; message: string; hint: string };
    expect(body.code).toBe('auth.missing_credentials');
    expect(body.hint).toContain('admin-token');
  });

  it('serves Prometheus text to the admin token', async () => {
    const response = await fetch(`${api}/metrics`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('# TYPE vigil_api_request_total counter');
    expect(text).toMatch(/vigil_api_auth_failed_total\{reason="auth.missing_credentials"\} [1-9]/);
  });

  it('refuses a wrong bearer token', async () => {
    const response = await fetch(`${api}/metrics`, { headers: { authorization: `Bearer ${vigil.adminToken}x` } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('auth.invalid_token');
  });

  it('accepts a request signed by the AWS SDK signer with a Vigil access key', async () => {
    const response = await signedFetch('GET', `${api}/metrics?b=2&a=x%20y`, key);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('vigil_api_request_total');
  });

  it('accepts a signed POST whose body hash is covered, with the firehose service scope', async () => {
    const response = await signedFetch('POST', `${api}/api/v1/access-keys`, { ...key, service: 'firehose', body: JSON.stringify({ description: 'made by a signed request' }), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { accessKeyId: string };
    await vigil.client.accessKeys.delete(created.accessKeyId);
  });

  it('answers a wrong secret with 403 and an AWS-style error', async () => {
    // Change the last character (to something it is not: a secret ending in X must still come out wrong).
    const wrong = `${key.secretAccessKey.slice(0, -1)}${key.secretAccessKey.endsWith('X') ? 'Y' : 'X'}`;
    const response = await signedFetch('GET', `${api}/metrics`, { ...key, secretAccessKey: wrong });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(((await response.json()) as { message: string }).message).toContain('signature we calculated does not match');
  });

  it('answers an unknown access key with 403 UnrecognizedClientException', async () => {
    const response = await signedFetch('GET', `${api}/metrics`, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: key.secretAccessKey });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
  });

  it('refuses a signature more than 15 minutes old', async () => {
    const response = await signedFetch('GET', `${api}/metrics`, { ...key, signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toContain('Signature expired');
  });

  it('refuses a tampered body (its hash is signed)', async () => {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { HttpRequest } = await import('@smithy/protocol-http');
    const { Hash } = await import('@smithy/hash-node');
    const url = new URL(`${api}/api/v1/access-keys`);
    const signer = new SignatureV4({ credentials: key, region: 'local', service: 'iot', sha256: Hash.bind(null, 'sha256') });
    const signed = await signer.sign(new HttpRequest({ method: 'POST', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host, 'content-type': 'application/json' }, body: '{"description":"a"}' }));
    const headers = { ...signed.headers };
    delete headers['host'];
    const response = await fetch(url, { method: 'POST', headers, body: '{"description":"b"}' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('accepts the execute-api credential scope on AWS IoT routes (older AWS CLI / boto3 sign IoT with it)', async () => {
    const response = await signedFetch('GET', `${api}/things?maxResults=1`, { ...key, service: 'execute-api', region: 'eu-west-1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('things');
    const created = await signedFetch('POST', `${api}/thing-groups/signed-execute-api`, { ...key, service: 'execute-api', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { thingGroupName: string }).thingGroupName).toBe('signed-execute-api');
  });

  it('refuses the execute-api scope on the Firehose route (Firehose clients sign for firehose)', async () => {
    const response = await signedFetch('POST', `${api}/`, { ...key, service: 'execute-api', body: '{}', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Firehose_20150804.ListDeliveryStreams' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('refuses a signature for a service Vigil does not serve', async () => {
    const response = await signedFetch('GET', `${api}/metrics`, { ...key, service: 's3' });
    expect(response.status).toBe(403);
  });
});

describe('API routes', () => {
  it('lists access keys without their secrets and deletes them', async () => {
    const created = await vigil.client.accessKeys.create('to delete');
    const listed = await vigil.client.accessKeys.list();
    expect(listed.accessKeys.map((k) => k.accessKeyId)).toContain(created.accessKeyId);
    expect(JSON.stringify(listed)).not.toContain(created.secretAccessKey);
    await vigil.client.accessKeys.delete(created.accessKeyId);
    await expect(vigil.client.accessKeys.delete(created.accessKeyId)).rejects.toMatchObject({ code: 'access_key.not_found' });
    const response = await signedFetch('GET', `${api}/metrics`, created);
    expect(response.status).toBe(403);
  });

  it('validates bodies and answers Vigil-style 400s under /api/v1', async () => {
    const response = await fetch(`${api}/api/v1/access-keys`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body: '{"description": {"nested": true}}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('api.invalid_request');
    const unknown = await fetch(`${api}/api/v1/access-keys`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body: '{"descriptio": "typo"}' });
    expect(unknown.status).toBe(400);
    const broken = await fetch(`${api}/api/v1/access-keys`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body: '{oops' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { code: string }).code).toBe('api.invalid_json');
  });

  it('answers unknown AWS-style paths with an AWS-style 404', async () => {
    const response = await fetch(`${api}/no-such-thing`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('publishes an OpenAPI document of the /api/v1 routes', async () => {
    const document = await vigil.client.request<{ openapi: string; paths: Record<string, unknown> }>('GET', '/api/v1/openapi.json');
    expect(document.openapi).toBe('3.0.3');
    expect(Object.keys(document.paths)).toContain('/api/v1/access-keys');
  });
});
