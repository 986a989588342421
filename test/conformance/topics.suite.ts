import { afterEach, describe, expect, it } from 'vitest';
import type { NotifySubscription, NotifyTopic } from '../../src/model/index.js';
import { notifyRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

function topic(name: string): NotifyTopic {
  return { name, arn: `arn:aws:sns:local:000000000000:${name}`, displayName: `${name} topic`, createdAt: 1_700_000_000_000 };
}

function subscription(topicName: string, id: string, overrides: Partial<NotifySubscription> = {}): NotifySubscription {
  return { arn: `arn:aws:sns:local:000000000000:${topicName}:${id}`, topicName, protocol: 'stream', endpoint: 'siem', rawMessageDelivery: false, signingSecret: '', createdAt: 1_700_000_000_000 + id.length, ...overrides };
}

export function topicConformance(open: OpenRegistry): void {
  describe('notify topic repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates, reads back exactly, lists by name, refuses duplicates and deletes topics', async () => {
      registry = await open();
      const store = notifyRepository(registry);
      expect(await store.createTopic(topic('audit'))).toBe(true);
      expect(await store.createTopic(topic('alerts'))).toBe(true);
      expect(await store.createTopic({ ...topic('audit'), displayName: 'other' })).toBe(false);
      expect(await store.getTopic('audit')).toEqual(topic('audit'));
      expect(await store.getTopic('missing')).toBeUndefined();
      expect((await store.listTopics()).map((t) => t.name)).toEqual(['alerts', 'audit']);
      expect(await store.deleteTopic('alerts')).toBe(true);
      expect(await store.deleteTopic('alerts')).toBe(false);
    });

    it('keeps subscriptions per topic with every field, deletes them singly and with their topic', async () => {
      registry = await open();
      const store = notifyRepository(registry);
      await store.createTopic(topic('audit'));
      await store.createTopic(topic('alerts'));
      const hook = subscription('audit', 'b2', { protocol: 'https', endpoint: 'https://hooks.example/x', rawMessageDelivery: true, signingSecret: 's3cret' });
      expect(await store.addSubscription(subscription('audit', 'a1'))).toBe(true);
      expect(await store.addSubscription(hook)).toBe(true);
      expect(await store.addSubscription(subscription('alerts', 'c3', { protocol: 'mqtt', endpoint: 'alerts/out' }))).toBe(true);
      expect(await store.addSubscription(subscription('audit', 'a1'))).toBe(false);
      expect(await store.addSubscription(subscription('missing', 'd4'))).toBe(false);
      expect(await store.listSubscriptions('audit')).toEqual([subscription('audit', 'a1'), hook]);
      expect(await store.deleteSubscription(hook.arn)).toBe(true);
      expect(await store.deleteSubscription(hook.arn)).toBe(false);
      expect((await store.listSubscriptions('audit')).map((s) => s.arn)).toEqual([subscription('audit', 'a1').arn]);
      expect(await store.deleteTopic('audit')).toBe(true);
      expect(await store.listSubscriptions('audit')).toEqual([]);
      expect(await store.listSubscriptions('alerts')).toHaveLength(1);
    });
  });
}
