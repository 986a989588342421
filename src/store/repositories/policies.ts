import type { Policy, PolicyStore, PolicyTarget, PolicyVersion } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';
import { afterKeyset, decodeTextKeyset, encodeKeyset, keysetPage, type KeysetFormat } from '../page-cursor.js';
import type { PoliciesTable, PolicyVersionsTable } from '../schema.js';

/** Attachment cursors are `<target_kind>/<target_id>`; the registry wraps them in its own `v1|` token. */
const TARGET_CURSOR: KeysetFormat = { separator: '/', code: 'registry.invalid_token' };

/** IoT policies, their numbered versions and their attachments (both dialects). Cursors are the last name. */
export function policyRepository({ db }: RegistryDb): PolicyStore {
  return {
    async create(policyName, document, now, generationId) {
      return db.transaction().execute(async (tx) => {
        const result = await tx
          .insertInto('policies')
          .values({ policy_name: policyName, default_version_id: 1, last_version_id: 1, created_at: now, updated_at: now, generation_id: generationId })
          .onConflict((oc) => oc.column('policy_name').doNothing())
          .executeTakeFirst();
        if (toNumber(result.numInsertedOrUpdatedRows) === 0) return false;
        await tx.insertInto('policy_versions').values({ policy_name: policyName, version_id: 1, document, created_at: now }).execute();
        return true;
      });
    },
    async get(policyName) {
      const row = await db.selectFrom('policies').selectAll().where('policy_name', '=', policyName).executeTakeFirst();
      return row === undefined ? undefined : toPolicy(row);
    },
    async list(query) {
      const ascending = query.ascending !== false;
      let select = db.selectFrom('policies').selectAll().orderBy('policy_name', ascending ? 'asc' : 'desc').limit(query.limit + 1);
      if (query.cursor !== undefined) select = select.where('policy_name', ascending ? '>' : '<', query.cursor);
      const rows = await select.execute();
      return keysetPage(rows.map(toPolicy), query.limit, (p) => p.policyName);
    },
    async delete(policyName) {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('policy_versions').where('policy_name', '=', policyName).execute();
        await tx.deleteFrom('policy_targets').where('policy_name', '=', policyName).execute();
        const result = await tx.deleteFrom('policies').where('policy_name', '=', policyName).executeTakeFirst();
        return toNumber(result.numDeletedRows) > 0;
      });
    },

    async addVersion(policyName, document, setAsDefault, now, generationId) {
      return db.transaction().execute(async (tx) => {
        const updated = await tx
          .updateTable('policies')
          .set((eb) => ({ last_version_id: eb('last_version_id', '+', 1), updated_at: now, generation_id: generationId }))
          .where('policy_name', '=', policyName)
          .executeTakeFirst();
        if (toNumber(updated.numUpdatedRows) === 0) return undefined;
        const row = await tx.selectFrom('policies').select('last_version_id').where('policy_name', '=', policyName).executeTakeFirstOrThrow();
        const versionId = toNumber(row.last_version_id);
        await tx.insertInto('policy_versions').values({ policy_name: policyName, version_id: versionId, document, created_at: now }).execute();
        if (setAsDefault) await tx.updateTable('policies').set({ default_version_id: versionId }).where('policy_name', '=', policyName).execute();
        return { policyName, versionId: String(versionId), document, createdAt: now };
      });
    },
    async getVersion(policyName, versionId) {
      const id = versionNumber(versionId);
      if (id === undefined) return undefined;
      const row = await db.selectFrom('policy_versions').selectAll().where('policy_name', '=', policyName).where('version_id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toVersion(row);
    },
    async listVersions(policyName) {
      const rows = await db.selectFrom('policy_versions').selectAll().where('policy_name', '=', policyName).orderBy('version_id', 'desc').execute();
      return rows.map(toVersion);
    },
    async setDefaultVersion(policyName, versionId, now, generationId) {
      const id = versionNumber(versionId);
      if (id === undefined) return false;
      const exists = await db.selectFrom('policy_versions').select('version_id').where('policy_name', '=', policyName).where('version_id', '=', id).executeTakeFirst();
      if (exists === undefined) return false;
      const result = await db.updateTable('policies').set({ default_version_id: id, updated_at: now, generation_id: generationId }).where('policy_name', '=', policyName).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async deleteVersion(policyName, versionId) {
      const id = versionNumber(versionId);
      if (id === undefined) return false;
      const result = await db.deleteFrom('policy_versions').where('policy_name', '=', policyName).where('version_id', '=', id).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },

    async attach(policyName, target, now) {
      const result = await db
        .insertInto('policy_targets')
        .values({ policy_name: policyName, target_kind: target.kind, target_id: target.id, created_at: now })
        .onConflict((oc) => oc.columns(['policy_name', 'target_kind', 'target_id']).doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async detach(policyName, target) {
      const result = await db.deleteFrom('policy_targets').where('policy_name', '=', policyName).where('target_kind', '=', target.kind).where('target_id', '=', target.id).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
    async targetsOf(policyName, request) {
      let select = db.selectFrom('policy_targets').select(['target_kind', 'target_id']).where('policy_name', '=', policyName).orderBy('target_kind').orderBy('target_id').limit(request.limit + 1);
      const after = decodeTextKeyset(TARGET_CURSOR, request.cursor);
      if (after !== undefined) select = select.where((eb) => afterKeyset(eb, ['target_kind', 'target_id'], after, 'asc'));
      const rows = await select.execute();
      return keysetPage(rows.map((r) => ({ kind: r.target_kind, id: r.target_id }) as PolicyTarget), request.limit, (t) => encodeKeyset(TARGET_CURSOR, t.kind, t.id));
    },
    async policiesOf(target, request) {
      let select = db.selectFrom('policy_targets').select('policy_name').where('target_kind', '=', target.kind).where('target_id', '=', target.id).orderBy('policy_name').limit(request.limit + 1);
      if (request.cursor !== undefined) select = select.where('policy_name', '>', request.cursor);
      const rows = await select.execute();
      return keysetPage(rows.map((r) => r.policy_name), request.limit, (name) => name);
    },
    async effectivePolicies(targets) {
      if (targets.length === 0) return [];
      const rows = await db
        .selectFrom('policy_targets as t')
        .innerJoin('policies as p', 'p.policy_name', 't.policy_name')
        .innerJoin('policy_versions as v', (join) => join.onRef('v.policy_name', '=', 'p.policy_name').onRef('v.version_id', '=', 'p.default_version_id'))
        .select(['p.policy_name', 'v.version_id', 'v.document'])
        .where((eb) => eb.or(targets.map((t) => eb.and([eb('t.target_kind', '=', t.kind), eb('t.target_id', '=', t.id)]))))
        .distinct()
        .orderBy('p.policy_name')
        .execute();
      return rows.map((r) => ({ policyName: r.policy_name, versionId: String(toNumber(r.version_id)), document: r.document }));
    },
    async detachTarget(target) {
      await db.deleteFrom('policy_targets').where('target_kind', '=', target.kind).where('target_id', '=', target.id).execute();
    },
  };
}

function versionNumber(versionId: string): number | undefined {
  return /^[0-9]{1,9}$/.test(versionId) ? Number(versionId) : undefined;
}

function toPolicy(row: PoliciesTable): Policy {
  return { policyName: row.policy_name, defaultVersionId: String(toNumber(row.default_version_id)), createdAt: toNumber(row.created_at), updatedAt: toNumber(row.updated_at), generationId: row.generation_id };
}

function toVersion(row: PolicyVersionsTable): PolicyVersion {
  return { policyName: row.policy_name, versionId: String(toNumber(row.version_id)), document: row.document, createdAt: toNumber(row.created_at) };
}
