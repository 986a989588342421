import type { TagStore } from '../../model/index.js';
import type { RegistryDb } from '../dialect.js';
import { keysetPage } from '../page-cursor.js';

/** Resource tags in the registry database (both dialects). Cursors are the last key returned. */
export function tagRepository({ db }: RegistryDb): TagStore {
  return {
    async putTags(resourceArn, tags) {
      if (tags.length === 0) return;
      await db
        .insertInto('resource_tags')
        .values(tags.map((t) => ({ resource_arn: resourceArn, tag_key: t.key, tag_value: t.value })))
        .onConflict((oc) => oc.columns(['resource_arn', 'tag_key']).doUpdateSet((eb) => ({ tag_value: eb.ref('excluded.tag_value') })))
        .execute();
    },
    async removeTags(resourceArn, keys) {
      if (keys.length === 0) return;
      await db.deleteFrom('resource_tags').where('resource_arn', '=', resourceArn).where('tag_key', 'in', [...keys]).execute();
    },
    async listTags(resourceArn, page) {
      let select = db.selectFrom('resource_tags').select(['tag_key', 'tag_value']).where('resource_arn', '=', resourceArn).orderBy('tag_key').limit(page.limit + 1);
      if (page.cursor !== undefined) select = select.where('tag_key', '>', page.cursor);
      const rows = await select.execute();
      return keysetPage(rows.map((r) => ({ key: r.tag_key, value: r.tag_value })), page.limit, (t) => t.key);
    },
    async tagKeys(resourceArn) {
      const rows = await db.selectFrom('resource_tags').select('tag_key').where('resource_arn', '=', resourceArn).execute();
      return rows.map((r) => r.tag_key);
    },
    async deleteTags(resourceArn) {
      await db.deleteFrom('resource_tags').where('resource_arn', '=', resourceArn).execute();
    },
  };
}
