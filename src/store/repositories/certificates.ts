import type { CaCertificate, CaCertificateStatus, Certificate, CertificateStatus, CertificateStore } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';
import { afterKeyset, decodeKeyset, encodeKeyset, keysetPage, type KeysetFormat } from '../page-cursor.js';
import type { CaCertificatesTable, CertificatesTable } from '../schema.js';

/** `<created_at>:<certificate_id>`; the registry wraps it in its own `v1|` token. */
const CERTIFICATE_CURSOR: KeysetFormat = { separator: ':', code: 'registry.invalid_token' };

/**
 * Device certificates, CA certificates and thing ↔ certificate attachments (both dialects).
 * Certificate cursors are `<created_at>:<certificate_id>`; attachment cursors the last name.
 */
export function certificateRepository({ db }: RegistryDb): CertificateStore {
  return {
    async create(c) {
      const result = await db
        .insertInto('certificates')
        .values({
          certificate_id: c.certificateId,
          ca_certificate_id: c.caCertificateId ?? null,
          status: c.status,
          certificate_pem: c.certificatePem,
          serial_number: c.serialNumber,
          subject: c.subject,
          issuer: c.issuer,
          not_before: c.notBefore,
          not_after: c.notAfter,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
          revoked_at: c.status === 'REVOKED' ? c.updatedAt : null,
          customer_version: c.customerVersion,
          generation_id: c.generationId,
        })
        .onConflict((oc) => oc.column('certificate_id').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async get(certificateId) {
      const row = await db.selectFrom('certificates').selectAll().where('certificate_id', '=', certificateId).executeTakeFirst();
      return row === undefined ? undefined : toCertificate(row);
    },
    async list(query) {
      const direction = query.ascending === false ? 'desc' : 'asc';
      let select = db.selectFrom('certificates').selectAll().orderBy('created_at', direction).orderBy('certificate_id', direction).limit(query.limit + 1);
      if (query.caCertificateId !== undefined) select = select.where('ca_certificate_id', '=', query.caCertificateId);
      const after = decodeKeyset(CERTIFICATE_CURSOR, query.cursor);
      if (after !== undefined) select = select.where((eb) => afterKeyset(eb, ['created_at', 'certificate_id'], after, direction));
      const rows = await select.execute();
      return keysetPage(rows.map(toCertificate), query.limit, (c) => encodeKeyset(CERTIFICATE_CURSOR, c.createdAt, c.certificateId));
    },
    async updateStatus(certificateId, status, now) {
      const result = await db
        .updateTable('certificates')
        .set((eb) => ({ status, updated_at: now, customer_version: eb('customer_version', '+', 1), ...(status === 'REVOKED' ? { revoked_at: now } : {}) }))
        .where('certificate_id', '=', certificateId)
        .executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async delete(certificateId) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('thing_principals').where('certificate_id', '=', certificateId).execute();
        const result = await tx.deleteFrom('certificates').where('certificate_id', '=', certificateId).executeTakeFirst();
        return toNumber(result.numDeletedRows) > 0;
      });
    },
    async revokedBy(caCertificateId) {
      const rows = await db.selectFrom('certificates').select(['serial_number', 'revoked_at', 'updated_at']).where('ca_certificate_id', '=', caCertificateId).where('status', '=', 'REVOKED').orderBy('serial_number').execute();
      return rows.map((r) => ({ serialNumber: r.serial_number, revokedAt: toNumber(r.revoked_at ?? r.updated_at) }));
    },

    async createCa(ca) {
      const result = await db
        .insertInto('ca_certificates')
        .values({
          certificate_id: ca.certificateId,
          status: ca.status,
          certificate_pem: ca.certificatePem,
          auto_registration: ca.autoRegistration ? 1 : 0,
          built_in: ca.builtIn ? 1 : 0,
          not_before: ca.notBefore,
          not_after: ca.notAfter,
          created_at: ca.createdAt,
          updated_at: ca.updatedAt,
          customer_version: ca.customerVersion,
          generation_id: ca.generationId,
          crl_pem: ca.crlPem ?? null,
        })
        .onConflict((oc) => oc.column('certificate_id').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getCa(certificateId) {
      const row = await db.selectFrom('ca_certificates').selectAll().where('certificate_id', '=', certificateId).executeTakeFirst();
      return row === undefined ? undefined : toCa(row);
    },
    async listCa(query) {
      const direction = query.ascending === false ? 'desc' : 'asc';
      let select = db.selectFrom('ca_certificates').selectAll().orderBy('created_at', direction).orderBy('certificate_id', direction).limit(query.limit + 1);
      const after = decodeKeyset(CERTIFICATE_CURSOR, query.cursor);
      if (after !== undefined) select = select.where((eb) => afterKeyset(eb, ['created_at', 'certificate_id'], after, direction));
      const rows = await select.execute();
      return keysetPage(rows.map(toCa), query.limit, (c) => encodeKeyset(CERTIFICATE_CURSOR, c.createdAt, c.certificateId));
    },
    async updateCa(certificateId, change, now) {
      const result = await db
        .updateTable('ca_certificates')
        .set((eb) => ({
          updated_at: now,
          customer_version: eb('customer_version', '+', 1),
          ...(change.status === undefined ? {} : { status: change.status }),
          ...(change.autoRegistration === undefined ? {} : { auto_registration: change.autoRegistration ? 1 : 0 }),
          ...(change.crlPem === undefined ? {} : { crl_pem: change.crlPem }),
        }))
        .where('certificate_id', '=', certificateId)
        .executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },

    async deleteCa(certificateId) {
      const result = await db.deleteFrom('ca_certificates').where('certificate_id', '=', certificateId).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },

    async attachThing(thingName, certificateId, type, now) {
      const result = await db
        .insertInto('thing_principals')
        .values({ thing_name: thingName, certificate_id: certificateId, principal_type: type, created_at: now })
        .onConflict((oc) => oc.columns(['thing_name', 'certificate_id']).doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async detachThing(thingName, certificateId) {
      const result = await db.deleteFrom('thing_principals').where('thing_name', '=', thingName).where('certificate_id', '=', certificateId).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
    async principalsOfThing(thingName, request) {
      let select = db.selectFrom('thing_principals').select('certificate_id').where('thing_name', '=', thingName).orderBy('certificate_id').limit(request.limit + 1);
      if (request.cursor !== undefined) select = select.where('certificate_id', '>', request.cursor);
      const rows = await select.execute();
      return keysetPage(rows.map((r) => r.certificate_id), request.limit, (id) => id);
    },
    async thingsOfPrincipal(certificateId, request) {
      let select = db.selectFrom('thing_principals').select('thing_name').where('certificate_id', '=', certificateId).orderBy('thing_name').limit(request.limit + 1);
      if (request.cursor !== undefined) select = select.where('thing_name', '>', request.cursor);
      const rows = await select.execute();
      return keysetPage(rows.map((r) => r.thing_name), request.limit, (name) => name);
    },
    async detachAllOfThing(thingName) {
      await db.deleteFrom('thing_principals').where('thing_name', '=', thingName).execute();
    },
  };
}

function toCertificate(row: CertificatesTable): Certificate {
  return {
    certificateId: row.certificate_id,
    caCertificateId: row.ca_certificate_id ?? undefined,
    status: row.status as CertificateStatus,
    certificatePem: row.certificate_pem,
    serialNumber: row.serial_number,
    subject: row.subject,
    issuer: row.issuer,
    notBefore: toNumber(row.not_before),
    notAfter: toNumber(row.not_after),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    customerVersion: toNumber(row.customer_version),
    generationId: row.generation_id,
  };
}

function toCa(row: CaCertificatesTable): CaCertificate {
  return {
    certificateId: row.certificate_id,
    status: row.status as CaCertificateStatus,
    certificatePem: row.certificate_pem,
    autoRegistration: toNumber(row.auto_registration) === 1,
    builtIn: toNumber(row.built_in) === 1,
    notBefore: toNumber(row.not_before),
    notAfter: toNumber(row.not_after),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    customerVersion: toNumber(row.customer_version),
    generationId: row.generation_id,
    crlPem: row.crl_pem ?? undefined,
  };
}
