import { afterEach, describe, expect, it } from 'vitest';
import type { TopicRule } from '../../src/model/index.js';
import { topicRuleRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

function rule(ruleName: string, overrides: Partial<TopicRule> = {}): TopicRule {
  return {
    ruleName,
    sql: "SELECT * FROM 'a/#'",
    description: 'forwards exports',
    actions: [{ firehose: { roleArn: 'arn:aws:iam::000000000000:role/r', deliveryStreamName: 'siem', separator: '\n', batchMode: false } }],
    errorAction: { republish: { roleArn: 'arn:aws:iam::000000000000:role/r', topic: 'errors/rules', qos: 1 } },
    ruleDisabled: false,
    awsIotSqlVersion: '2016-03-23',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function topicRuleConformance(open: OpenRegistry): void {
  describe('topic rule repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates, reads back exactly, lists by name, refuses duplicates and deletes rules', async () => {
      registry = await open();
      const store = topicRuleRepository(registry);
      expect(await store.create(rule('export'))).toBe(true);
      expect(await store.create(rule('alerts', { errorAction: undefined, ruleDisabled: true }))).toBe(true);
      expect(await store.create(rule('export', { sql: "SELECT a FROM 'b'" }))).toBe(false);
      expect(await store.get('export')).toEqual(rule('export'));
      expect(await store.get('alerts')).toEqual(rule('alerts', { errorAction: undefined, ruleDisabled: true }));
      expect(await store.get('missing')).toBeUndefined();
      expect((await store.list()).map((r) => r.ruleName)).toEqual(['alerts', 'export']);
      expect(await store.delete('alerts')).toBe(true);
      expect(await store.delete('alerts')).toBe(false);
    });

    it('replaces an existing rule but keeps its creation time; refuses to replace a missing one', async () => {
      registry = await open();
      const store = topicRuleRepository(registry);
      await store.create(rule('export'));
      const next = rule('export', { sql: "SELECT b FROM 'c'", ruleDisabled: true, createdAt: 5, updatedAt: 1_700_000_000_999, actions: [] });
      expect(await store.replace(next)).toBe(true);
      expect(await store.get('export')).toEqual({ ...next, createdAt: 1_700_000_000_000 });
      expect(await store.replace(rule('missing'))).toBe(false);
    });
  });
}
