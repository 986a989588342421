import type { TopicRule, TopicRuleAction, TopicRuleStore } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import type { TopicRulesTable } from '../schema.js';

/** Topic rules in the registry database (both dialects); actions are JSON text in the AWS shape. */
export function topicRuleRepository({ db }: RegistryDb): TopicRuleStore {
  return {
    async create(rule) {
      const result = await db.insertInto('topic_rules').values(toRow(rule)).onConflict((oc) => oc.column('rule_name').doNothing()).executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async get(ruleName) {
      const row = await db.selectFrom('topic_rules').selectAll().where('rule_name', '=', ruleName).executeTakeFirst();
      return row === undefined ? undefined : toRule(row);
    },
    async list() {
      const rows = await db.selectFrom('topic_rules').selectAll().orderBy('rule_name').execute();
      return rows.map(toRule);
    },
    async replace(rule) {
      const { rule_name: _name, created_at: _created, ...rest } = toRow(rule);
      const result = await db.updateTable('topic_rules').set(rest).where('rule_name', '=', rule.ruleName).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async delete(ruleName) {
      const result = await db.deleteFrom('topic_rules').where('rule_name', '=', ruleName).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
  };
}

function toRow(rule: TopicRule): TopicRulesTable {
  return {
    rule_name: rule.ruleName,
    sql: rule.sql,
    description: rule.description,
    actions: toJson(rule.actions),
    error_action: rule.errorAction === undefined ? null : toJson(rule.errorAction),
    rule_disabled: rule.ruleDisabled ? 1 : 0,
    sql_version: rule.awsIotSqlVersion,
    created_at: rule.createdAt,
    updated_at: rule.updatedAt,
  };
}

type Row = { [K in keyof TopicRulesTable]: TopicRulesTable[K] | (K extends 'created_at' | 'updated_at' | 'rule_disabled' ? string : never) };

function toRule(row: Row): TopicRule {
  return {
    ruleName: row.rule_name,
    sql: row.sql,
    description: row.description,
    actions: storedJson<TopicRuleAction[]>(row.actions, []),
    errorAction: row.error_action === null ? undefined : storedJson<TopicRuleAction | undefined>(row.error_action, undefined),
    ruleDisabled: toNumber(row.rule_disabled) !== 0,
    awsIotSqlVersion: row.sql_version,
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

/**
 * A row written by another version (or by hand) may hold text that is not JSON: the rule is still
 * listed, with the text as a value the rules engine refuses to compile (it loads such a rule
 * disabled and reports it), instead of one bad row failing every list and so the start.
 */
function storedJson<T>(text: string | null, fallback: T): T {
  try {
    return fromJson<T>(text, fallback);
  } catch {
    return `not JSON: ${String(text).slice(0, 80)}` as unknown as T;
  }
}
