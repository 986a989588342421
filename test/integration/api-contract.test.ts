import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

interface Schema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
}
interface Operation {
  readonly parameters?: ReadonlyArray<{ readonly in: string; readonly name: string; readonly required?: boolean; readonly schema?: Schema }>;
  readonly requestBody?: { readonly content: Readonly<Record<string, { readonly schema?: Schema }>> };
  readonly responses?: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: unknown }>> }>>;
}
type Document = { readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>> };

/** POST/PUT/PATCH operations that take no body, each for a reason (AWS puts their input in the path or query). */
const NO_BODY = new Set([
  'POST /keys-and-certificate', // CreateKeysAndCertificate: setAsActive in the query
  'PUT /certificates/{certificateId}', // UpdateCertificate: newStatus in the query
  'PUT /cacertificate/{certificateId}', // UpdateCACertificate: query
  'PUT /things/{thingName}/principals', // AttachThingPrincipal: x-amzn-principal header
  'PUT /security-profiles/{name}/targets', // AttachSecurityProfile: query
  'POST /rules/{ruleName}/enable',
  'POST /rules/{ruleName}/disable',
  'PUT /audit/tasks/{taskId}/cancel',
  'PUT /audit/mitigationactions/tasks/{taskId}/cancel',
  'PUT /detect/mitigationactions/tasks/{taskId}/cancel',
  'PATCH /policies/{policyName}/version/{policyVersionId}', // SetDefaultPolicyVersion
  'POST /attached-policies/{target}', // ListAttachedPolicies: query
  'POST /api/v1/backup', // takes no input: the snapshot streams back
  'POST /policy-targets/{policyName}', // ListTargetsForPolicy: query
  'POST /api/v1/session/tickets',
  'POST /api/v1/hec/tokens/{name}/{action}',
  'POST /api/v1/streams/{name}/replay',
  'POST /api/v1/saved-searches/{name}/enable',
  'POST /api/v1/saved-searches/{name}/disable',
  'POST /api/v1/saved-searches/{name}/dispatch',
  'POST /api/v1/playbooks/{name}/enable',
  'POST /api/v1/playbooks/{name}/disable',
  'POST /api/v1/playbook-runs/{id}/undo',
]);

let vigil: TestVigil;
let api: string;
let document: Document;

const operations = (): Array<{ key: string; path: string; method: string; op: Operation }> =>
  Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })));

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
  const response = await fetch(`${api}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
  document = (await response.json()) as Document;
});
afterAll(() => vigil.stop());

describe('the HTTP contract in the OpenAPI document', () => {
  it('documents the route families: AWS IoT, Detect, audit, rules, Firehose, Splunk search and Vigil-native', () => {
    const paths = Object.keys(document.paths);
    for (const path of ['/things/{thingName}', '/security-profiles/{name}', '/audit/findings', '/rules/{ruleName}', '/', '/services/search/jobs', '/api/v1/search', '/api/v1/streams', '/api/v1/playbooks', '/api/v1/playbooks/{name}/runs', '/api/v1/playbook-runs/{id}', '/api/v1/playbook-runs/{id}/approve', '/health']) expect(paths).toContain(path);
    expect(operations().length).toBeGreaterThan(150);
  });

  it('every route declares a success response and its error responses', () => {
    const missing: string[] = [];
    for (const { key, op } of operations()) {
      const statuses = Object.keys(op.responses ?? {});
      if (!statuses.some((s) => /^2\d\d$/.test(s))) missing.push(`${key}: no 2xx response`);
      if (!statuses.some((s) => /^4(xx|\d\d)$/i.test(s))) missing.push(`${key}: no 4xx response`);
    }
    expect(missing).toEqual([]);
  });

  it('every route declares a schema for each input it takes: path parameters, and a body for every POST, PUT and PATCH that reads one', () => {
    const missing: string[] = [];
    for (const { key, path, method, op } of operations()) {
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
        if (!(op.parameters ?? []).some((p) => p.in === 'path' && p.name === name && p.schema !== undefined)) missing.push(`${key}: path parameter ${name}`);
      }
      if (['post', 'put', 'patch'].includes(method) && !NO_BODY.has(key) && op.requestBody === undefined) missing.push(`${key}: no request body schema`);
      if (NO_BODY.has(key) && op.requestBody !== undefined) missing.push(`${key}: listed as body-less but declares a body`);
    }
    expect(missing).toEqual([]);
  });
});

/** A value of the wrong JSON type for `schema` that ajv's coercion cannot turn into the right one. */
function wrongValue(schema: Schema): unknown {
  switch (schema.type) {
    case 'string':
      return { not: 'a string' };
    case 'integer':
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'not a boolean';
    case 'object':
      return 'not an object';
    case 'array':
      return { not: 'an array' };
    default:
      return undefined;
  }
}

/** The malformed body for a route's schema and the field its 400 must name; undefined when the schema constrains nothing. */
function malformed(schema: Schema): { body: Record<string, unknown>; field: string } | undefined {
  const required = schema.required?.[0];
  if (required !== undefined) return { body: {}, field: required };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const value = wrongValue(property);
    if (value !== undefined) return { body: { [name]: value }, field: name };
  }
  return undefined;
}

describe('a malformed body is a 400 in the route family\'s error shape, naming the field', () => {
  it('every route with a JSON body schema', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { key, path, method, op } of operations()) {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (schema === undefined || path === '/') continue;
      const bad = malformed(schema);
      if (bad === undefined) continue;
      checked++;
      const url = `${api}${path.replace(/\{[^}]+\}/g, 'contract-check')}`;
      const response = await fetch(url, { method: method.toUpperCase(), headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(bad.body) });
      const text = await response.text();
      const answer = JSON.parse(text) as { code?: string; message?: string };
      if (response.status !== 400) problems.push(`${key}: ${response.status} ${text}`);
      else if (!new RegExp(`['/]${bad.field}\\b`).test(answer.message ?? '')) problems.push(`${key}: the message does not name ${bad.field}: ${answer.message}`);
      else if (path.startsWith('/api/v1/') || path.startsWith('/services/')) {
        if (path.startsWith('/api/v1/') && answer.code !== 'api.invalid_request') problems.push(`${key}: Vigil error code ${answer.code}`);
      } else if (response.headers.get('x-amzn-errortype') !== 'InvalidRequestException' || answer.code !== undefined) problems.push(`${key}: not an AWS rest-json error: ${response.headers.get('x-amzn-errortype')} ${text}`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('Firehose: an operation\'s malformed input is InvalidArgumentException (AWS JSON 1.1) naming the member', async () => {
    for (const [target, body, member] of [
      ['PutRecord', { Record: { Data: 'eA==' } }, 'DeliveryStreamName'],
      ['PutRecordBatch', { DeliveryStreamName: 'siem', Records: 'not a list' }, 'Records'],
      ['DeleteDeliveryStream', { DeliveryStreamName: 7 }, 'DeliveryStreamName'],
    ] as const) {
      const response = await fetch(`${api}/`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Firehose_20150804.${target}` }, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { __type: string; message: string };
      expect(answer.__type).toBe('InvalidArgumentException');
      expect(answer.message).toContain(member);
    }
  });
});
