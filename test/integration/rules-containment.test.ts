import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTime, type Result } from '../../src/core/index.js';
import type { Notifier } from '../../src/model/index.js';
import { RulesEngine, type RuleHealth } from '../../src/rules/index.js';
import { migrateRegistry, openSqliteRegistry, topicRuleRepository, type RegistryDb } from '../../src/store/index.js';
import { Telemetry, createLogger } from '../../src/telemetry/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { tempDir } from '../support/temp.js';
import { RecordingPublisher, RecordingPutter, encode } from './rules-support.js';

const notifier: Notifier = { publish: async () => ({ ok: true, value: 'message-id' }) as Result<string> };

describe('rule containment: a rule that throws is counted, reported to its errorAction and disabled after N in a row', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function engine(options: { uuid: () => string; publisher?: RecordingPublisher }) {
    const dir = tempDir('vigil-rules-containment-');
    const registry: RegistryDb = openSqliteRegistry(join(dir.path, 'registry.sqlite'));
    const migrated = await migrateRegistry(registry);
    if (!migrated.ok) throw migrated.error;
    const telemetry = new Telemetry(createLogger({ level: 'silent', format: 'json' }));
    const putter = new RecordingPutter();
    const publisher = options.publisher ?? new RecordingPublisher();
    const store = topicRuleRepository(registry);
    const rules = new RulesEngine({ store, ports: { putter, publisher, notifier }, clock: new FakeTime(Date.UTC(2026, 0, 1)), telemetry, region: 'local', accountId: '000000000000', uuid: options.uuid, disableAfterFailures: 3 });
    await rules.start();
    cleanups.push(async () => {
      await rules.stop();
      await registry.close();
      dir.remove();
    });
    return { rules, putter, publisher, telemetry, store };
  }

  it('disables a rule whose evaluation throws on 3 messages in a row; its neighbour keeps running; each failure reaches the errorAction', async () => {
    let idSourceDown = false;
    const { rules, putter, publisher, telemetry, store } = await engine({ uuid: () => {
      if (idSourceDown) throw new Error('id source is down');
      return 'id-1';
    } });
    const errorAction = { republish: { topic: 'errors/rules', qos: 1 } };
    expect((await rules.createRule('Ids', { sql: "SELECT newuuid() AS id FROM 'ids/#'", actions: [{ firehose: { deliveryStreamName: 'ids' } }], errorAction })).ok).toBe(true);
    expect((await rules.createRule('Plain', { sql: "SELECT * FROM 'ids/#'", actions: [{ firehose: { deliveryStreamName: 'plain' } }] })).ok).toBe(true);

    await rules.onMessage({ topic: 'ids/a', payload: encode({ n: 0 }), receivedAt: 0 });
    expect(putter.texts('ids')).toEqual(['{"id":"id-1"}']);
    idSourceDown = true;
    for (let n = 1; n <= 5; n++) await rules.onMessage({ topic: 'ids/a', payload: encode({ n }), receivedAt: 0 });
    await rules.idle();

    // Messages 1-3 throw; the third disables the rule, so 4 and 5 never reach it.
    const errors = publisher.published.filter((p) => p.topic === 'errors/rules').map((p) => JSON.parse(p.payload) as { ruleName: string; failures: Array<{ failedAction: string; errorMessage: string }>; base64OriginalPayload: string });
    expect(errors.map((e) => [e.ruleName, e.failures[0]?.failedAction, JSON.parse(Buffer.from(e.base64OriginalPayload, 'base64').toString()).n])).toEqual([['Ids', 'RuleEvaluation', 1], ['Ids', 'RuleEvaluation', 2], ['Ids', 'RuleEvaluation', 3]]);
    expect(errors[0]?.failures[0]?.errorMessage).toContain('id source is down');
    expect(putter.texts('plain').map((t) => JSON.parse(t).n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await store.get('Ids'))?.ruleDisabled).toBe(true);
    const health = new Map((await rules.health()).map((h): [string, RuleHealth] => [h.ruleName, h]));
    expect(health.get('Ids')).toMatchObject({ state: 'DISABLED_AFTER_FAILURES', consecutiveFailures: 3, totalFailures: 3, lastError: { stage: 'evaluate', message: 'id source is down' } });
    expect(health.get('Plain')).toMatchObject({ state: 'ENABLED', totalFailures: 0 });
    expect(telemetry.counter('unit_disabled', { component: 'rules', reason: 'failures' })).toBe(1);
    expect(telemetry.counter('component_error', { component: 'rules', code: 'rules.evaluation_failed', stage: 'evaluate' })).toBe(3);

    // Enabling it again starts a clean record.
    idSourceDown = false;
    expect((await rules.setEnabled('Ids', true)).ok).toBe(true);
    await rules.onMessage({ topic: 'ids/a', payload: encode({ n: 6 }), receivedAt: 0 });
    expect(putter.texts('ids')).toHaveLength(2);
    expect((await rules.health()).find((h) => h.ruleName === 'Ids')).toMatchObject({ state: 'ENABLED', consecutiveFailures: 0 });
  });

  it('counts an action that throws (not one that reports an error) and resets the count on a success', async () => {
    class CrashingPublisher extends RecordingPublisher {
      override async publish(topic: string, payload: Uint8Array, options: { qos: 0 | 1 }): Promise<Result<void>> {
        if (topic === 'crash') throw new TypeError('publisher bug');
        return super.publish(topic, payload, options);
      }
    }
    const { rules, telemetry } = await engine({ uuid: () => 'x', publisher: new CrashingPublisher() });
    expect((await rules.createRule('Echo', { sql: "SELECT * FROM 'echo/+'", actions: [{ republish: { topic: '${topic(2)}' } }] })).ok).toBe(true);
    for (const to of ['crash', 'crash', 'fine', 'crash', 'crash']) await rules.onMessage({ topic: `echo/${to}`, payload: encode({}), receivedAt: 0 });
    expect((await rules.health())[0]).toMatchObject({ state: 'ENABLED', consecutiveFailures: 2, totalFailures: 4, lastError: { stage: 'action', message: 'publisher bug' } });
    await rules.onMessage({ topic: 'echo/crash', payload: encode({}), receivedAt: 0 });
    expect((await rules.health())[0]).toMatchObject({ state: 'DISABLED_AFTER_FAILURES', consecutiveFailures: 3 });
    expect(telemetry.counter('rule_action_failed', { action: 'RepublishAction' })).toBe(5);
  });
});

describe('a restart with a bad stored rule', () => {
  let vigil: TestVigil | undefined;
  const dir = tempDir('vigil-bad-rule-');
  afterEach(async () => {
    await vigil?.stop();
    dir.remove();
  });

  it('starts, loads the rule disabled as INVALID naming the limit, and survives messages on its topic', async () => {
    vigil = await startTestVigil({ log: { level: 'warn' } }, { dataDir: dir.path });
    await vigil.running.stop();
    // What an older version could have stored: the 10,000-term OR that overflowed the evaluator.
    const sql = `SELECT * FROM 'crash/#' WHERE ${Array.from({ length: 10_000 }, (_v, i) => `v = ${i}`).join(' OR ')}`;
    const db = new Database(join(dir.path, 'registry.sqlite'));
    db.prepare('INSERT INTO topic_rules (rule_name, sql, description, actions, error_action, rule_disabled, sql_version, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 0, ?, ?, ?)').run('Legacy', sql, '', '[{"republish":{"topic":"out"}}]', '2016-03-23', Date.now(), Date.now());
    db.prepare('INSERT INTO topic_rules (rule_name, sql, description, actions, error_action, rule_disabled, sql_version, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 0, ?, ?, ?)').run('Garbled', 'SELEC', '', 'not json', '2016-03-23', Date.now(), Date.now());
    db.close();

    vigil = await startTestVigil({ log: { level: 'warn' } }, { dataDir: dir.path });
    const api = vigil.running.endpoints['api'] as string;
    const response = await fetch(`${api}/api/v1/rules/health`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(response.status).toBe(200);
    const { rules } = (await response.json()) as { rules: RuleHealth[] };
    const legacy = rules.find((r) => r.ruleName === 'Legacy');
    expect(legacy).toMatchObject({ state: 'INVALID', lastError: { code: 'rules.invalid_sql', stage: 'load' } });
    expect(legacy?.lastError?.message).toContain('rules.max_sql_terms');
    expect(rules.find((r) => r.ruleName === 'Garbled')).toMatchObject({ state: 'INVALID' });
    expect(vigil.running.telemetry.counter('unit_disabled', { component: 'rules', reason: 'invalid' })).toBe(2);
    expect(vigil.logs.some((l) => l.includes('"event":"unit_disabled"') && l.includes('Legacy'))).toBe(true);

    for (let v = 0; v < 20; v++) expect((await vigil.running.ingress.publisher.publish('crash/x', encode({ v }), { qos: 0 })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${api}/health`)).status).toBe(200);

    // Enabling it cannot bring it back as it is; replacing it with a valid statement does.
    const enable = await fetch(`${api}/rules/Legacy/enable`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(enable.status).toBe(400);
    expect(((await enable.json()) as { message: string }).message).toContain('rules.max_sql_terms');
    const replace = await fetch(`${api}/rules/Legacy`, { method: 'PATCH', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql: "SELECT * FROM 'crash/#' WHERE v < 10000", actions: [] }) });
    expect(replace.status).toBe(200);
    const after = (await (await fetch(`${api}/api/v1/rules/health`, { headers: { authorization: `Bearer ${vigil.adminToken}` } })).json()) as { rules: RuleHealth[] };
    expect(after.rules.find((r) => r.ruleName === 'Legacy')).toMatchObject({ state: 'ENABLED' });
  });
});
