import type { Kysely } from 'kysely';
import type { Playbook, PlaybookRun, PlaybookStore } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import { afterKeyset, decodeKeyset, encodeKeyset, keysetPage, type KeysetFormat } from '../page-cursor.js';

interface RespondTables {
  respond_playbooks: { name: string; enabled: number; playbook: string; created_at: number | string; updated_at: number | string };
  respond_runs: { id: string; playbook: string; state: string; thing: string; dry_run: number; created_at: number | string; updated_at: number | string; run: string };
}

const CURSOR: KeysetFormat = { separator: '|', code: 'playbook_run.invalid_token' };
/** Runs that count against a playbook's hourly limit: they acted, or are about to. */
const ACTING = ['running', 'waiting_approval', 'succeeded', 'failed', 'undone'];

/** Playbooks and their runs in the registry database (both dialects; tables of migration 013). */
export function playbookRepository(registry: RegistryDb): PlaybookStore {
  const db = registry.db as unknown as Kysely<RespondTables>;
  const toPlaybook = (row: { playbook: string }): Playbook => fromJson<Playbook>(row.playbook, undefined as unknown as Playbook);
  const toRun = (row: { run: string }): PlaybookRun => fromJson<PlaybookRun>(row.run, undefined as unknown as PlaybookRun);
  const playbookRow = (p: Playbook) => ({ name: p.name, enabled: p.enabled ? 1 : 0, playbook: toJson(p), created_at: p.createdAt, updated_at: p.updatedAt });
  return {
    async listPlaybooks() {
      return (await db.selectFrom('respond_playbooks').select('playbook').orderBy('name').execute()).map(toPlaybook);
    },
    async getPlaybook(name) {
      const row = await db.selectFrom('respond_playbooks').select('playbook').where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toPlaybook(row);
    },
    async createPlaybook(playbook) {
      const result = await db.insertInto('respond_playbooks').values(playbookRow(playbook)).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async updatePlaybook(playbook) {
      const { name, created_at: _created, ...rest } = playbookRow(playbook);
      const result = await db.updateTable('respond_playbooks').set(rest).where('name', '=', name).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async deletePlaybook(name) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('respond_runs').where('playbook', '=', name).execute();
        const result = await trx.deleteFrom('respond_playbooks').where('name', '=', name).executeTakeFirst();
        return toNumber(result.numDeletedRows) > 0;
      });
    },
    async saveRun(run) {
      const row = { id: run.id, playbook: run.playbook, state: run.state, thing: run.thing, dry_run: run.dryRun ? 1 : 0, created_at: run.createdAt, updated_at: run.updatedAt, run: toJson(run) };
      const { id: _id, ...rest } = row;
      await db.insertInto('respond_runs').values(row).onConflict((oc) => oc.column('id').doUpdateSet(rest)).execute();
    },
    async getRun(id) {
      const row = await db.selectFrom('respond_runs').select('run').where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRun(row);
    },
    async listRuns(query) {
      let q = db.selectFrom('respond_runs').select(['run', 'created_at', 'id']);
      if (query.playbook !== undefined) q = q.where('playbook', '=', query.playbook);
      if (query.states !== undefined) q = query.states.length === 0 ? q.where('id', '=', '') : q.where('state', 'in', [...query.states]);
      const after = decodeKeyset(CURSOR, query.cursor);
      if (after !== undefined) q = q.where((eb) => afterKeyset(eb, ['created_at', 'id'], after, 'desc'));
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
      return keysetPage(rows.map(toRun), query.limit, (r) => encodeKeyset(CURSOR, r.createdAt, r.id));
    },
    async thingsActedOnSince(playbook, since) {
      const rows = await db.selectFrom('respond_runs').select('thing').distinct().where('playbook', '=', playbook).where('dry_run', '=', 0).where('thing', '!=', '').where('created_at', '>=', since).where('state', 'in', ACTING).execute();
      return rows.map((r) => r.thing);
    },
  };
}
