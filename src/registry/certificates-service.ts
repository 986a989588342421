import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import { VigilError, eachPage } from '../core/index.js';
import type { CaCertificate, CaCertificateStatus, Certificate, CertificateStatus, ThingPrincipalType } from '../model/index.js';
import { arns, parseTarget } from '../protocol/index.js';
import { certificateFacts, x509, type CertificateFacts } from './ca/x509.js';
import type { Listed } from './things-service.js';
import { pageRequest, tokenOf, type RegistryDeps } from './support.js';
import type { ThingsService } from './things-service.js';

const SETTABLE: ReadonlySet<string> = new Set(['ACTIVE', 'INACTIVE', 'REVOKED']);

export type CertificatesService = ReturnType<typeof certificatesService>;

/** Device certificates, CA certificates and thing principals; issuing goes through the built-in CA. */
export function certificatesService(deps: RegistryDeps, thingsService: ThingsService) {
  const { certificates, ca } = deps;
  const changed = (resource: string, operation: string, fields: Record<string, unknown>) => deps.telemetry.emit('registry_changed', { resource, operation }, fields);

  async function requireCertificate(certificateId: string): Promise<Certificate> {
    const found = /^[0-9a-f]{64}$/.test(certificateId) ? await certificates.get(certificateId) : undefined;
    if (found === undefined) throw new VigilError('certificate.not_found', `no certificate ${certificateId}`, { hint: 'list certificates with `vigil cert list`' });
    return found;
  }

  async function requireCa(certificateId: string): Promise<CaCertificate> {
    const found = /^[0-9a-f]{64}$/.test(certificateId) ? await certificates.getCa(certificateId) : undefined;
    if (found === undefined) throw new VigilError('ca_certificate.not_found', `no CA certificate ${certificateId}`);
    return found;
  }

  /** The registered CA that issued `facts`, if any (issuer name and signature both checked). */
  async function issuingCa(facts: CertificateFacts): Promise<CaCertificate | undefined> {
    for await (const page of eachPage((cursor) => certificates.listCa({ limit: 100, cursor }))) {
      for (const candidate of page) {
        const caFacts = certificateFacts(candidate.certificatePem);
        if (facts.node.checkIssued(caFacts.node) && facts.node.verify(caFacts.node.publicKey)) return candidate;
      }
    }
    return undefined;
  }

  async function store(pem: string, status: CertificateStatus, caCertificateId: string | undefined, operation: string): Promise<Certificate> {
    const facts = certificateFacts(pem);
    const now = deps.clock.now();
    const certificate: Certificate = {
      certificateId: facts.certificateId,
      caCertificateId,
      status,
      certificatePem: facts.pem,
      serialNumber: facts.serialNumber,
      subject: facts.subject,
      issuer: facts.issuer,
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      createdAt: now,
      updatedAt: now,
      customerVersion: 1,
      generationId: randomUUID(),
    };
    if (!(await certificates.create(certificate))) {
      throw new VigilError('certificate.already_exists', `certificate ${facts.certificateId} is already registered`, { details: { resourceId: facts.certificateId } });
    }
    changed('certificate', operation, { certificateId: certificate.certificateId, status });
    return certificate;
  }

  async function refreshCrl(caCertificateId: string): Promise<void> {
    if (caCertificateId !== ca.caCertificateId) return; // only the built-in CA's key is here
    const now = deps.clock.now();
    const crlPem = await ca.createCrl(await certificates.revokedBy(caCertificateId), now);
    await certificates.updateCa(caCertificateId, { crlPem }, now);
    deps.telemetry.emit('certificate_issued', { kind: 'crl' }, { caCertificateId });
  }

  return {
    requireCertificate,
    requireCa,

    /** Registers the built-in CA (first start, or a fresh registry database). */
    async ensureBuiltInCa(): Promise<CaCertificate> {
      const existing = await certificates.getCa(ca.caCertificateId);
      if (existing !== undefined) return existing;
      const facts = certificateFacts(ca.caPem);
      const now = deps.clock.now();
      const row: CaCertificate = { certificateId: facts.certificateId, status: 'ACTIVE', certificatePem: facts.pem, autoRegistration: false, builtIn: true, notBefore: facts.notBefore, notAfter: facts.notAfter, createdAt: now, updatedAt: now, customerVersion: 1, generationId: randomUUID(), crlPem: await ca.createCrl([], now) };
      await certificates.createCa(row);
      changed('ca_certificate', 'register', { certificateId: row.certificateId, builtIn: true });
      return row;
    },

    async createKeysAndCertificate(setAsActive: boolean, commonName = 'Vigil device certificate'): Promise<{ certificate: Certificate; publicKeyPem: string; privateKeyPem: string }> {
      const issued = await ca.createKeysAndCertificate(`CN=${commonName.replace(/[,=+<>#;\\"]/g, '-')}`, deps.config.device_cert_days, deps.config.device_key_type, deps.clock.now());
      deps.telemetry.emit('certificate_issued', { kind: 'device' });
      const certificate = await store(issued.certificatePem, setAsActive ? 'ACTIVE' : 'INACTIVE', ca.caCertificateId, 'create');
      return { certificate, publicKeyPem: issued.publicKeyPem, privateKeyPem: issued.privateKeyPem };
    },

    async createCertificateFromCsr(csrPem: string, setAsActive: boolean): Promise<Certificate> {
      const signed = await ca.signCsr(csrPem, deps.config.device_cert_days, deps.clock.now());
      if (!signed.ok) throw signed.error;
      deps.telemetry.emit('certificate_issued', { kind: 'csr' });
      return store(signed.value, setAsActive ? 'ACTIVE' : 'INACTIVE', ca.caCertificateId, 'create');
    },

    async registerCertificate(input: { certificatePem: string; caCertificatePem?: string | undefined; setAsActive?: boolean | undefined; status?: string | undefined }): Promise<Certificate> {
      const facts = parsePem(input.certificatePem, 'certificatePem');
      let issuer: CaCertificate | undefined;
      if (input.caCertificatePem !== undefined) {
        const caFacts = parsePem(input.caCertificatePem, 'caCertificatePem');
        issuer = await certificates.getCa(caFacts.certificateId);
        if (issuer === undefined) throw new VigilError('ca_certificate.not_found', 'the CA certificate is not registered', { hint: 'register it first (RegisterCACertificate)' });
        if (!facts.node.checkIssued(caFacts.node) || !facts.node.verify(caFacts.node.publicKey)) throw new VigilError('certificate.validation_failed', 'the certificate was not issued by the given CA');
      } else {
        issuer = await issuingCa(facts);
      }
      if (issuer !== undefined && issuer.status !== 'ACTIVE') throw new VigilError('certificate.validation_failed', `the issuing CA ${issuer.certificateId} is not ACTIVE`);
      if (facts.notAfter < deps.clock.now()) throw new VigilError('certificate.validation_failed', 'the certificate has expired');
      const status = input.status ?? (input.setAsActive === true ? 'ACTIVE' : 'INACTIVE');
      if (!['ACTIVE', 'INACTIVE', 'REVOKED', 'PENDING_TRANSFER', 'REGISTER_INACTIVE', 'PENDING_ACTIVATION'].includes(status)) throw new VigilError('certificate.invalid_status', `"${status}" is not a certificate status`);
      return store(facts.pem, status as CertificateStatus, issuer?.certificateId, 'register');
    },

    /**
     * GetRegistrationCode: this server's code for CA proof of possession (64 hex characters like
     * AWS's). Derived from the built-in CA certificate, so it is stable for the data directory and
     * needs no storage.
     */
    registrationCode(): string {
      return createHash('sha256').update('vigil registration code\n').update(deps.ca.caPem).digest('hex');
    },

    async registerCaCertificate(input: { caCertificate: string; verificationCertificate?: string | undefined; setAsActive?: boolean | undefined; allowAutoRegistration?: boolean | undefined }): Promise<CaCertificate> {
      const facts = parsePem(input.caCertificate, 'caCertificate');
      if (!facts.isCa) throw new VigilError('certificate.validation_failed', 'the certificate is not a CA certificate (basicConstraints CA:TRUE is missing)');
      if (input.verificationCertificate !== undefined) this.verifyPossession(input.caCertificate, input.verificationCertificate);
      const now = deps.clock.now();
      const row: CaCertificate = { certificateId: facts.certificateId, status: input.setAsActive === true ? 'ACTIVE' : 'INACTIVE', certificatePem: facts.pem, autoRegistration: input.allowAutoRegistration === true, builtIn: false, notBefore: facts.notBefore, notAfter: facts.notAfter, createdAt: now, updatedAt: now, customerVersion: 1, generationId: randomUUID(), crlPem: undefined };
      if (!(await certificates.createCa(row))) throw new VigilError('ca_certificate.already_exists', `CA certificate ${facts.certificateId} is already registered`, { details: { resourceId: facts.certificateId } });
      changed('ca_certificate', 'register', { certificateId: row.certificateId });
      // The device listener trusts ACTIVE CAs: a CA registered ACTIVE must be trusted without a restart.
      if (row.status === 'ACTIVE') deps.events.publish({ kind: 'ca_status', caCertificateId: row.certificateId, status: 'ACTIVE' });
      return row;
    },

    /**
     * AWS's proof of possession: the verification certificate's subject CN is the registration code,
     * and it is signed by the CA's private key.
     */
    verifyPossession(caPem: string, verificationPem: string): void {
      const verification = parsePem(verificationPem, 'verificationCertificate');
      const code = this.registrationCode();
      const commonName = verification.fields.subject['CommonName']?.[0];
      if (commonName !== code) {
        throw new VigilError('ca_certificate.registration_code_mismatch', `the verification certificate's subject CN is ${commonName === undefined ? 'missing' : `"${commonName}"`}, not this server's registration code`, { hint: 'get the code with GetRegistrationCode (vigil cert registration-code) and sign a certificate with CN=<code> with the CA key' });
      }
      let signed = false;
      try {
        signed = new X509Certificate(verificationPem).verify(new X509Certificate(caPem).publicKey);
      } catch {
        signed = false;
      }
      if (!signed) throw new VigilError('certificate.validation_failed', 'the verification certificate is not signed by the CA being registered (proof of possession of its private key failed)');
    },

    async listCertificates(query: { pageSize?: number | undefined; marker?: string | undefined; ascendingOrder?: boolean | undefined; caCertificateId?: string | undefined }): Promise<Listed<Certificate>> {
      const page = await certificates.list({ ...pageRequest(query.marker, query.pageSize), ascending: query.ascendingOrder, caCertificateId: query.caCertificateId });
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    async listCaCertificates(query: { pageSize?: number | undefined; marker?: string | undefined; ascendingOrder?: boolean | undefined }): Promise<Listed<CaCertificate>> {
      const page = await certificates.listCa({ ...pageRequest(query.marker, query.pageSize), ascending: query.ascendingOrder });
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    async updateCertificate(certificateId: string, newStatus: string): Promise<void> {
      const certificate = await requireCertificate(certificateId);
      if (!SETTABLE.has(newStatus)) throw new VigilError('certificate.invalid_status', `a certificate cannot be set to "${newStatus}"`, { hint: 'use ACTIVE, INACTIVE or REVOKED' });
      if (certificate.status === 'REVOKED' && newStatus !== 'REVOKED') throw new VigilError('certificate.state_conflict', `certificate ${certificateId} is REVOKED; revocation is final`);
      if (certificate.status === newStatus) return;
      await certificates.updateStatus(certificateId, newStatus as CertificateStatus, deps.clock.now());
      changed('certificate', 'update_status', { certificateId, status: newStatus });
      if (newStatus === 'REVOKED' && certificate.caCertificateId !== undefined) await refreshCrl(certificate.caCertificateId);
      deps.events.publish({ kind: 'certificate_status', certificateId, status: newStatus as CertificateStatus });
    },

    /**
     * Stores the CRL an external CA published (PEM, or base64 DER), replacing the one before, once
     * the CA's key verifies its signature; the revocation-list audit checks read it. The built-in
     * CA's CRL is Vigil's own (rewritten at each revocation), so it takes no upload.
     */
    async putCrl(caCertificateId: string, crl: string): Promise<{ caCertificateId: string; revokedCount: number; thisUpdate: number; nextUpdate: number | undefined }> {
      const ca = await requireCa(caCertificateId);
      if (ca.builtIn) throw new VigilError('ca_certificate.invalid_request', `CA ${caCertificateId} is Vigil's built-in CA; Vigil signs its CRL itself`, { hint: 'revoke certificates with `vigil cert revoke`; upload CRLs only for CAs you registered' });
      const parsed = parseCrl(crl);
      let signed = false;
      try {
        signed = await parsed.verify({ publicKey: new x509.X509Certificate(ca.certificatePem).publicKey });
      } catch {
        signed = false;
      }
      if (!signed) throw new VigilError('ca_certificate.invalid_crl', `the CRL is not signed by CA ${caCertificateId}`, { hint: 'upload the CRL this CA published (its issuer is the CA, signed with the CA key)' });
      const crlPem = x509.PemConverter.encode(parsed.rawData, 'X509 CRL');
      await certificates.updateCa(caCertificateId, { crlPem }, deps.clock.now());
      changed('ca_certificate', 'put_crl', { certificateId: caCertificateId, revoked: parsed.entries.length });
      return { caCertificateId, revokedCount: parsed.entries.length, thisUpdate: parsed.thisUpdate.getTime(), nextUpdate: parsed.nextUpdate?.getTime() };
    },

    /** DeleteCACertificate: only an INACTIVE CA that no registered certificate names (never the built-in CA). */
    async deleteCaCertificate(certificateId: string): Promise<void> {
      const ca = await requireCa(certificateId);
      if (ca.builtIn) throw new VigilError('certificate.state_conflict', `CA ${certificateId} is Vigil's built-in CA; it cannot be deleted`);
      if (ca.status !== 'INACTIVE') throw new VigilError('certificate.state_conflict', `CA ${certificateId} is ${ca.status}; set it INACTIVE first (UpdateCACertificate)`);
      const signed = await certificates.list({ limit: 1, caCertificateId: certificateId });
      if (signed.items.length > 0) throw new VigilError('certificate.state_conflict', `CA ${certificateId} still has registered certificates (${signed.items[0]?.certificateId} …)`, { hint: 'delete them first (DeleteCertificate)' });
      await certificates.deleteCa(certificateId);
      await deps.tags.deleteTags(arns(deps.region, deps.accountId).caCert(certificateId));
      changed('ca_certificate', 'delete', { certificateId });
      deps.events.publish({ kind: 'ca_status', caCertificateId: certificateId, status: 'INACTIVE' });
    },

    async updateCaCertificate(certificateId: string, input: { newStatus?: string | undefined; newAutoRegistrationStatus?: string | undefined }): Promise<void> {
      await requireCa(certificateId);
      if (input.newStatus !== undefined && input.newStatus !== 'ACTIVE' && input.newStatus !== 'INACTIVE') throw new VigilError('ca_certificate.invalid_status', `a CA certificate cannot be set to "${input.newStatus}"`);
      if (input.newAutoRegistrationStatus !== undefined && input.newAutoRegistrationStatus !== 'ENABLE' && input.newAutoRegistrationStatus !== 'DISABLE') throw new VigilError('ca_certificate.invalid_request', 'newAutoRegistrationStatus must be ENABLE or DISABLE');
      await certificates.updateCa(certificateId, { ...(input.newStatus === undefined ? {} : { status: input.newStatus as CaCertificateStatus }), ...(input.newAutoRegistrationStatus === undefined ? {} : { autoRegistration: input.newAutoRegistrationStatus === 'ENABLE' }) }, deps.clock.now());
      changed('ca_certificate', 'update', { certificateId, ...input });
      if (input.newStatus !== undefined) deps.events.publish({ kind: 'ca_status', caCertificateId: certificateId, status: input.newStatus as CaCertificateStatus });
    },

    async deleteCertificate(certificateId: string, forceDelete: boolean): Promise<void> {
      const certificate = await requireCertificate(certificateId);
      if (certificate.status === 'ACTIVE') throw new VigilError('certificate.state_conflict', `certificate ${certificateId} is ACTIVE`, { hint: 'deactivate or revoke it first' });
      if ((await certificates.thingsOfPrincipal(certificateId, { limit: 1 })).items.length > 0) throw new VigilError('certificate.delete_conflict', `certificate ${certificateId} is attached to a thing`, { hint: 'detach it first (DetachThingPrincipal)' });
      const attached = await deps.policies.policiesOf({ kind: 'cert', id: certificateId }, { limit: 1 });
      if (attached.items.length > 0 && !forceDelete) throw new VigilError('certificate.delete_conflict', `certificate ${certificateId} has attached policies`, { hint: 'detach them or pass forceDelete' });
      await deps.policies.detachTarget({ kind: 'cert', id: certificateId });
      await certificates.delete(certificateId);
      await deps.tags.deleteTags(arns(deps.region, deps.accountId).cert(certificateId));
      changed('certificate', 'delete', { certificateId });
      deps.events.publish({ kind: 'certificate_status', certificateId, status: 'DELETED' });
    },

    async attachThingPrincipal(thingName: string, principal: string, type: string | undefined): Promise<void> {
      await thingsService.requireThing(thingName);
      const target = parseTarget(principal);
      if (target.kind !== 'cert') throw new VigilError('registry.invalid_principal', 'a thing principal must be a certificate');
      await requireCertificate(target.id);
      const principalType = (type ?? 'NON_EXCLUSIVE_THING') as ThingPrincipalType;
      if (principalType !== 'EXCLUSIVE_THING' && principalType !== 'NON_EXCLUSIVE_THING') throw new VigilError('registry.invalid_principal_type', 'thingPrincipalType must be EXCLUSIVE_THING or NON_EXCLUSIVE_THING');
      if (principalType === 'EXCLUSIVE_THING') {
        const others = (await certificates.thingsOfPrincipal(target.id, { limit: 2 })).items.filter((t) => t !== thingName);
        if (others.length > 0) throw new VigilError('registry.invalid_exclusive', `certificate ${target.id} is already attached to ${others[0]}`);
      }
      if (await certificates.attachThing(thingName, target.id, principalType, deps.clock.now())) {
        changed('thing_principal', 'attach', { thingName, certificateId: target.id });
        deps.events.publish({ kind: 'attachment', thingName, certificateId: target.id });
      }
    },

    async detachThingPrincipal(thingName: string, principal: string): Promise<void> {
      await thingsService.requireThing(thingName);
      const target = parseTarget(principal);
      if (target.kind !== 'cert') throw new VigilError('registry.invalid_principal', 'a thing principal must be a certificate');
      if (await certificates.detachThing(thingName, target.id)) {
        changed('thing_principal', 'detach', { thingName, certificateId: target.id });
        deps.events.publish({ kind: 'attachment', thingName, certificateId: target.id });
      }
    },

    async listThingPrincipals(thingName: string, query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Listed<string>> {
      await thingsService.requireThing(thingName);
      const page = await certificates.principalsOfThing(thingName, pageRequest(query.nextToken, query.maxResults));
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    async listPrincipalThings(principal: string, query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Listed<string>> {
      const target = parseTarget(principal);
      if (target.kind !== 'cert') throw new VigilError('registry.invalid_principal', 'a thing principal must be a certificate');
      await requireCertificate(target.id);
      const page = await certificates.thingsOfPrincipal(target.id, pageRequest(query.nextToken, query.maxResults));
      return { items: page.items, nextToken: tokenOf(page.next) };
    },
  };
}

function parsePem(pem: string, field: string): CertificateFacts {
  try {
    return certificateFacts(pem);
  } catch (error) {
    throw new VigilError('certificate.invalid_pem', `${field} is not a PEM certificate: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A CRL from PEM or base64 DER; `ca_certificate.invalid_crl` when it is neither. */
export function parseCrl(text: string): x509.X509Crl {
  const trimmed = text.trim();
  if (trimmed === '') throw new VigilError('ca_certificate.invalid_crl', 'the CRL is empty', { hint: 'send the CRL as PEM (-----BEGIN X509 CRL-----) or base64 DER' });
  try {
    return new x509.X509Crl(trimmed);
  } catch (error) {
    throw new VigilError('ca_certificate.invalid_crl', `the CRL cannot be read: ${error instanceof Error ? error.message : String(error)}`, { hint: 'send the CRL as PEM (-----BEGIN X509 CRL-----) or base64 DER' });
  }
}
