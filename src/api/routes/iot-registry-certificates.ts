import type { FastifyInstance } from 'fastify';
import type { CaCertificate, Certificate } from '../../model/index.js';
import { registryContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { compact, resourceTags, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT: certificates'];

/** AWS IoT certificates, CA certificates and thing principals (rest-json, service model paths). */
export function iotCertificateRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'registry' | 'accountId'>): void {
  const app = typed(fastify);
  const { registry } = deps;
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
    autoRegistrationStatus: c.autoRegistration ? ('ENABLE' as const) : ('DISABLE' as const),
    lastModifiedDate: seconds(c.updatedAt),
    customerVersion: c.customerVersion,
    generationId: c.generationId,
    validity: { notBefore: seconds(c.notBefore), notAfter: seconds(c.notAfter) },
    certificateMode: 'DEFAULT',
  });

  app.post('/keys-and-certificate', { schema: { tags, summary: 'CreateKeysAndCertificate', ...c.createKeysAndCertificate } }, async (request) => {
    const issued = await registry.certificates.createKeysAndCertificate(request.query.setAsActive === true);
    const cert = issued.certificate;
    return { certificateArn: arns.cert(cert.certificateId), certificateId: cert.certificateId, certificatePem: cert.certificatePem, keyPair: { PublicKey: issued.publicKeyPem, PrivateKey: issued.privateKeyPem } };
  });

  app.post('/certificates', { schema: { tags, summary: 'CreateCertificateFromCsr', ...c.createCertificateFromCsr } }, async (request) => {
    const created = await registry.certificates.createCertificateFromCsr(request.body.certificateSigningRequest, request.query.setAsActive === true);
    return { certificateArn: arns.cert(created.certificateId), certificateId: created.certificateId, certificatePem: created.certificatePem };
  });

  app.post('/certificate/register', { schema: { tags, summary: 'RegisterCertificate', ...c.registerCertificate } }, async (request) => {
    const input = request.body;
    const registered = await registry.certificates.registerCertificate({ certificatePem: input.certificatePem, caCertificatePem: input.caCertificatePem, setAsActive: request.query.setAsActive, status: input.status });
    return { certificateArn: arns.cert(registered.certificateId), certificateId: registered.certificateId };
  });

  app.post('/cacertificate', { schema: { tags, summary: 'RegisterCACertificate', ...c.registerCaCertificate } }, async (request) => {
    const tagged = resourceTags(request.body.tags);
    registry.tags.checkTags(tagged);
    const registered = await registry.certificates.registerCaCertificate({ caCertificate: request.body.caCertificate, verificationCertificate: request.body.verificationCertificate, setAsActive: request.query.setAsActive, allowAutoRegistration: request.query.allowAutoRegistration });
    await registry.tags.tagCreated(arns.caCert(registered.certificateId), tagged);
    return { certificateArn: arns.caCert(registered.certificateId), certificateId: registered.certificateId };
  });

  app.get('/certificates/:certificateId', { schema: { tags, summary: 'DescribeCertificate', ...c.describeCertificate } }, async (request) => ({ certificateDescription: describe(await registry.certificates.requireCertificate(request.params.certificateId)) }));

  app.get('/cacertificate/:certificateId', { schema: { tags, summary: 'DescribeCACertificate', ...c.describeCaCertificate } }, async (request) => ({ certificateDescription: describeCa(await registry.certificates.requireCa(request.params.certificateId)) }));

  app.get('/certificates', { schema: { tags, summary: 'ListCertificates', ...c.listCertificates } }, async (request) => {
    const q = request.query;
    const listed = await registry.certificates.listCertificates({ pageSize: q.pageSize, marker: q.marker, ascendingOrder: q.isAscendingOrder });
    return compact({ certificates: listed.items.map((c) => ({ certificateArn: arns.cert(c.certificateId), certificateId: c.certificateId, status: c.status, certificateMode: 'DEFAULT', creationDate: seconds(c.createdAt) })), nextMarker: listed.nextToken });
  });

  app.get('/certificates-by-ca/:caCertificateId', { schema: { tags, summary: 'ListCertificatesByCA', ...c.listCertificatesByCa } }, async (request) => {
    const q = request.query;
    const listed = await registry.certificates.listCertificates({ pageSize: q.pageSize, marker: q.marker, ascendingOrder: q.isAscendingOrder, caCertificateId: request.params.caCertificateId });
    return compact({ certificates: listed.items.map((c) => ({ certificateArn: arns.cert(c.certificateId), certificateId: c.certificateId, status: c.status, certificateMode: 'DEFAULT', creationDate: seconds(c.createdAt) })), nextMarker: listed.nextToken });
  });

  app.get('/cacertificates', { schema: { tags, summary: 'ListCACertificates', ...c.listCaCertificates } }, async (request) => {
    const q = request.query;
    const listed = await registry.certificates.listCaCertificates({ pageSize: q.pageSize, marker: q.marker, ascendingOrder: q.isAscendingOrder });
    return compact({ certificates: listed.items.map((c) => ({ certificateArn: arns.caCert(c.certificateId), certificateId: c.certificateId, status: c.status, creationDate: seconds(c.createdAt) })), nextMarker: listed.nextToken });
  });

  app.put('/certificates/:certificateId', { schema: { tags, summary: 'UpdateCertificate', ...c.updateCertificate } }, async (request) => {
    await registry.certificates.updateCertificate(request.params.certificateId, request.query.newStatus);
    return {};
  });

  app.delete('/cacertificate/:caCertificateId', { schema: { tags, summary: 'DeleteCACertificate', ...c.deleteCaCertificate } }, async (request) => {
    await registry.certificates.deleteCaCertificate(request.params.caCertificateId);
    return {};
  });

  app.put('/cacertificate/:certificateId', { schema: { tags, summary: 'UpdateCACertificate', ...c.updateCaCertificate } }, async (request) => {
    await registry.certificates.updateCaCertificate(request.params.certificateId, request.query);
    return {};
  });

  app.delete('/certificates/:certificateId', { schema: { tags, summary: 'DeleteCertificate', ...c.deleteCertificate } }, async (request) => {
    await registry.certificates.deleteCertificate(request.params.certificateId, request.query.forceDelete === true);
    return {};
  });

  app.put('/things/:thingName/principals', { schema: { tags, summary: 'AttachThingPrincipal', ...c.attachThingPrincipal } }, async (request) => {
    await registry.certificates.attachThingPrincipal(request.params.thingName, request.headers['x-amzn-principal'], request.query.thingPrincipalType);
    return {};
  });

  app.delete('/things/:thingName/principals', { schema: { tags, summary: 'DetachThingPrincipal', ...c.detachThingPrincipal } }, async (request) => {
    await registry.certificates.detachThingPrincipal(request.params.thingName, request.headers['x-amzn-principal']);
    return {};
  });

  app.get('/things/:thingName/principals', { schema: { tags, summary: 'ListThingPrincipals', ...c.listThingPrincipals } }, async (request) => {
    const listed = await registry.certificates.listThingPrincipals(request.params.thingName, request.query);
    return compact({ principals: listed.items.map((id) => arns.cert(id)), nextToken: listed.nextToken });
  });

  app.get('/principals/things', { schema: { tags, summary: 'ListPrincipalThings', ...c.listPrincipalThings } }, async (request) => {
    const listed = await registry.certificates.listPrincipalThings(request.headers['x-amzn-principal'], request.query);
    return compact({ things: listed.items, nextToken: listed.nextToken });
  });

  app.put('/api/v1/ca-certificates/:caCertificateId/crl', { schema: { tags: ['registry'], summary: 'Upload the CRL of a registered external CA (read by the revocation-list audit checks)', ...c.putCaCrl } }, async (request) => {
    const stored = await registry.certificates.putCrl(request.params.caCertificateId, request.body.crl);
    return { caCertificateId: stored.caCertificateId, revokedCount: stored.revokedCount, thisUpdate: new Date(stored.thisUpdate).toISOString(), nextUpdate: stored.nextUpdate === undefined ? null : new Date(stored.nextUpdate).toISOString() };
  });

  app.get('/api/v1/ca-certificates/:caCertificateId/crl', { schema: { tags: ['registry'], summary: 'The CRL stored for a CA (uploaded, fetched, or Vigil\'s own for the built-in CA)', ...c.getCaCrl } }, async (request) => {
    const ca = await registry.certificates.requireCa(request.params.caCertificateId);
    return { caCertificateId: ca.certificateId, crlPem: ca.crlPem ?? null };
  });

  app.get('/api/v1/registry/ca', { schema: { tags: ['registry'], summary: 'The built-in CA (PEM), its id and its current CRL', ...c.builtInCa } }, async () => {
    const ca = await registry.certificates.requireCa(registry.ca.caCertificateId);
    return { caCertificateId: ca.certificateId, caCertificatePem: ca.certificatePem, crlPem: ca.crlPem ?? null, defaultPolicyName: registry.defaultPolicyName };
  });
}

