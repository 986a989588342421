import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import { registryContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

const tags = ['AWS IoT: account'];

/** DescribeEndpoint's endpoint types: on AWS each is its own host; Vigil serves them all on its MQTT listener. */
export const ENDPOINT_TYPES: ReadonlySet<string> = new Set(['iot:Data', 'iot:Data-ATS', 'iot:CredentialProvider', 'iot:Jobs']);

/** DescribeEndpoint and GetRegistrationCode: account-level AWS IoT calls scripts make on day one. */
export function iotAccountRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'registry' | 'deviceEndpoint'>): void {
  const app = typed(fastify);

  app.get('/endpoint', { schema: { tags, summary: 'DescribeEndpoint', ...c.describeEndpoint } }, async (request) => {
    const type = request.query.endpointType ?? 'iot:Data';
    if (!ENDPOINT_TYPES.has(type)) throw new VigilError('thing.invalid_request', `endpointType "${type}" is not one of ${[...ENDPOINT_TYPES].join(', ')}`);
    return { endpointAddress: deps.deviceEndpoint?.() ?? hostname() };
  });

  app.get('/registrationcode', { schema: { tags, summary: 'GetRegistrationCode', ...c.getRegistrationCode } }, async () => ({ registrationCode: deps.registry.certificates.registrationCode() }));
}
