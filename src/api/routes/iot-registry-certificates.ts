import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VigilError } from '../../core/index.js';
import type { CaCertificate, Certificate } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';
import { body, bool, compact, int, params, query, required, seconds, str } from './iot-registry-support.js';

const tags = ['AWS IoT: certificates'];

/** AWS IoT certificates, CA certificates and thing principals (rest-json, service model paths). */
export function iotCertificateRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { registry } = deps;
  if (registry === undefined) return;
  const { arns } = registry;
  const describe = (c: Certificate) =>
    compact({
      certificateArn: arns.cert(c.certificateId),
      certificateId: c.certificateId,
      caCertificateId: c.caCertificateId,
      status: c.status,
      certificatePem: c.certificatePem,
      ownedBy: deps.accountId,
      creationDate: seconds(c.createdAt),
      lastModifiedDate: seconds(c.updatedAt),
      customerVersion: c.customerVersion,
      transferData: {},
      generationId: c.generationId,
      validity: { notBefore: seconds(c.notBefore), notAfter: seconds(c.notAfter) },
      certificateMode: 'DEFAULT',
    });
  const describeCa = (c: CaCertificate) => ({
    certificateArn: arns.caCert(c.certificateId),
    certificateId: c.certificateId,
    status: c.status,
    certificatePem: c.certificatePem,
    ownedBy: deps.accountId,
    creationDate: seconds(c.createdAt),
    autoRegistrationStatus: c.autoRegistration ? 'ENABLE' : 'DISABLE',
    lastModifiedDate: seconds(c.updatedAt),
    customerVersion: c.customerVersion,
    generationId: c.generationId,
    validity: { notBefore: seconds(c.notBefore), notAfter: seconds(c.notAfter) },
    certificateMode: 'DEFAULT',
  });

  app.post('/keys-and-certificate', { schema: { tags, summary: 'CreateKeysAndCertificate' } }, async (request) => {
    const issued = await registry.certificates.createKeysAndCertificate(bool(query(request)['setAsActive'], 'setAsActive') === true);
    const c = issued.certificate;
    return { certificateArn: arns.cert(c.certificateId), certificateId: c.certificateId, certificatePem: c.certificatePem, keyPair: { PublicKey: issued.publicKeyPem, PrivateKey: issued.privateKeyPem } };
  });

  app.post('/certificates', { schema: { tags, summary: 'CreateCertificateFromCsr' } }, async (request) => {
    const c = await registry.certificates.createCertificateFromCsr(required(body(request), 'certificateSigningRequest'), bool(query(request)['setAsActive'], 'setAsActive') === true);
    return { certificateArn: arns.cert(c.certificateId), certificateId: c.certificateId, certificatePem: c.certificatePem };
  });

  app.post('/certificate/register', { schema: { tags, summary: 'RegisterCertificate' } }, async (request) => {
    const input = body(request);
    const c = await registry.certificates.registerCertificate({ certificatePem: required(input, 'certificatePem'), caCertificatePem: str(input, 'caCertificatePem'), setAsActive: bool(query(request)['setAsActive'], 'setAsActive'), status: str(input, 'status') });
    return { certificateArn: arns.cert(c.certificateId), certificateId: c.certificateId };
  });

  app.post('/cacertificate', { schema: { tags, summary: 'RegisterCACertificate' } }, async (request) => {
    const q = query(request);
    const c = await registry.certificates.registerCaCertificate({ caCertificate: required(body(request), 'caCertificate'), setAsActive: bool(q['setAsActive'], 'setAsActive'), allowAutoRegistration: bool(q['allowAutoRegistration'], 'allowAutoRegistration') });
    return { certificateArn: arns.caCert(c.certificateId), certificateId: c.certificateId };
  });

  app.get('/certificates/:certificateId', { schema: { tags, summary: 'DescribeCertificate' } }, async (request) => ({ certificateDescription: describe(await registry.certificates.requireCertificate(params(request)['certificateId'] as string)) }));

  app.get('/cacertificate/:certificateId', { schema: { tags, summary: 'DescribeCACertificate' } }, async (request) => ({ certificateDescription: describeCa(await registry.certificates.requireCa(params(request)['certificateId'] as string)) }));

  app.get('/certificates', { schema: { tags, summary: 'ListCertificates' } }, async (request) => {
    const q = query(request);
    const listed = await registry.certificates.listCertificates({ pageSize: int(q['pageSize'], 'pageSize'), marker: q['marker'], ascendingOrder: bool(q['isAscendingOrder'], 'isAscendingOrder') });
    return compact({ certificates: listed.items.map((c) => ({ certificateArn: arns.cert(c.certificateId), certificateId: c.certificateId, status: c.status, certificateMode: 'DEFAULT', creationDate: seconds(c.createdAt) })), nextMarker: listed.nextToken });
  });

  app.get('/certificates-by-ca/:caCertificateId', { schema: { tags, summary: 'ListCertificatesByCA' } }, async (request) => {
    const q = query(request);
    const listed = await registry.certificates.listCertificates({ pageSize: int(q['pageSize'], 'pageSize'), marker: q['marker'], ascendingOrder: bool(q['isAscendingOrder'], 'isAscendingOrder'), caCertificateId: params(request)['caCertificateId'] });
    return compact({ certificates: listed.items.map((c) => ({ certificateArn: arns.cert(c.certificateId), certificateId: c.certificateId, status: c.status, certificateMode: 'DEFAULT', creationDate: seconds(c.createdAt) })), nextMarker: listed.nextToken });
  });

  app.get('/cacertificates', { schema: { tags, summary: 'ListCACertificates' } }, async (request) => {
    const q = query(request);
    const listed = await registry.certificates.listCaCertificates({ pageSize: int(q['pageSize'], 'pageSize'), marker: q['marker'], ascendingOrder: bool(q['isAscendingOrder'], 'isAscendingOrder') });
    return compact({ certificates: listed.items.map((c) => ({ certificateArn: arns.caCert(c.certificateId), certificateId: c.certificateId, status: c.status, creationDate: seconds(c.createdAt) })), nextMarker: listed.nextToken });
  });

  app.put('/certificates/:certificateId', { schema: { tags, summary: 'UpdateCertificate' } }, async (request) => {
    const newStatus = query(request)['newStatus'];
    if (newStatus === undefined) throw new VigilError('api.invalid_request', 'newStatus is required');
    await registry.certificates.updateCertificate(params(request)['certificateId'] as string, newStatus);
    return {};
  });

  app.put('/cacertificate/:certificateId', { schema: { tags, summary: 'UpdateCACertificate' } }, async (request) => {
    const q = query(request);
    await registry.certificates.updateCaCertificate(params(request)['certificateId'] as string, { newStatus: q['newStatus'], newAutoRegistrationStatus: q['newAutoRegistrationStatus'] });
    return {};
  });

  app.delete('/certificates/:certificateId', { schema: { tags, summary: 'DeleteCertificate' } }, async (request) => {
    await registry.certificates.deleteCertificate(params(request)['certificateId'] as string, bool(query(request)['forceDelete'], 'forceDelete') === true);
    return {};
  });

  app.put('/things/:thingName/principals', { schema: { tags, summary: 'AttachThingPrincipal' } }, async (request) => {
    await registry.certificates.attachThingPrincipal(params(request)['thingName'] as string, principal(request), query(request)['thingPrincipalType']);
    return {};
  });

  app.delete('/things/:thingName/principals', { schema: { tags, summary: 'DetachThingPrincipal' } }, async (request) => {
    await registry.certificates.detachThingPrincipal(params(request)['thingName'] as string, principal(request));
    return {};
  });

  app.get('/things/:thingName/principals', { schema: { tags, summary: 'ListThingPrincipals' } }, async (request) => {
    const q = query(request);
    const listed = await registry.certificates.listThingPrincipals(params(request)['thingName'] as string, { nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') });
    return compact({ principals: listed.items.map((id) => arns.cert(id)), nextToken: listed.nextToken });
  });

  app.get('/principals/things', { schema: { tags, summary: 'ListPrincipalThings' } }, async (request) => {
    const q = query(request);
    const listed = await registry.certificates.listPrincipalThings(principal(request), { nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') });
    return compact({ things: listed.items, nextToken: listed.nextToken });
  });

  app.get('/api/v1/registry/ca', { schema: { tags: ['registry'], summary: 'The built-in CA (PEM), its id and its current CRL' } }, async () => {
    const ca = await registry.certificates.requireCa(registry.ca.caCertificateId);
    return { caCertificateId: ca.certificateId, caCertificatePem: ca.certificatePem, crlPem: ca.crlPem ?? null, defaultPolicyName: registry.defaultPolicyName };
  });
}

function principal(request: FastifyRequest): string {
  const value = request.headers['x-amzn-principal'];
  if (typeof value !== 'string' || value === '') throw new VigilError('api.invalid_request', 'the x-amzn-principal header (principal) is required');
  return value;
}
