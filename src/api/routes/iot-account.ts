import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import { registryContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { compact, resourceTags } from './iot-registry-support.js';

const tags = ['AWS IoT: account'];

/** DescribeEndpoint's endpoint types: on AWS each is its own host; Vigil serves them all on its MQTT listener. */
export const ENDPOINT_TYPES: ReadonlySet<string> = new Set(['iot:Data', 'iot:Data-ATS', 'iot:CredentialProvider', 'iot:Jobs']);

/** DescribeEndpoint, GetRegistrationCode and resource tags: account-level AWS IoT calls scripts make on day one. */
export function iotAccountRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'registry' | 'deviceEndpoint'>): void {
  const app = typed(fastify);

  app.get('/endpoint', { schema: { tags, summary: 'DescribeEndpoint', ...c.describeEndpoint } }, async (request) => {
    const type = request.query.endpointType ?? 'iot:Data';
    if (!ENDPOINT_TYPES.has(type)) throw new VigilError('thing.invalid_request', `endpointType "${type}" is not one of ${[...ENDPOINT_TYPES].join(', ')}`);
    return { endpointAddress: deps.deviceEndpoint?.() ?? hostname() };
  });

  app.post('/tags', { schema: { tags, summary: 'TagResource', ...c.tagResource } }, async (request) => {
    await deps.registry.tags.tagResource(request.body.resourceArn, resourceTags(request.body.tags) ?? []);
    return {};
  });

  app.post('/untag', { schema: { tags, summary: 'UntagResource', ...c.untagResource } }, async (request) => {
    await deps.registry.tags.untagResource(request.body.resourceArn, request.body.tagKeys);
    return {};
  });

  app.get('/tags', { schema: { tags, summary: 'ListTagsForResource', ...c.listTagsForResource } }, async (request) => {
    const listed = await deps.registry.tags.listTags(request.query.resourceArn, { nextToken: request.query.nextToken });
    return compact({ tags: listed.items.map((t) => ({ Key: t.key, Value: t.value })), nextToken: listed.nextToken });
  });

  app.get('/registrationcode', { schema: { tags, summary: 'GetRegistrationCode', ...c.getRegistrationCode } }, async () => ({ registrationCode: deps.registry.certificates.registrationCode() }));
}
