import type { NotifyStore, NotifySubscription, NotifyTopic, SubscriptionProtocol } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';

/** Notify topics and subscriptions in the registry database (both dialects). */
export function notifyRepository({ db }: RegistryDb): NotifyStore {
  return {
    async createTopic(topic) {
      const result = await db
        .insertInto('notify_topics')
        .values({ name: topic.name, arn: topic.arn, display_name: topic.displayName, created_at: topic.createdAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getTopic(name) {
      const row = await db.selectFrom('notify_topics').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toTopic(row);
    },
    async listTopics() {
      const rows = await db.selectFrom('notify_topics').selectAll().orderBy('name').execute();
      return rows.map(toTopic);
    },
    async deleteTopic(name) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('notify_subscriptions').where('topic_name', '=', name).execute();
        const result = await trx.deleteFrom('notify_topics').where('name', '=', name).executeTakeFirst();
        return toNumber(result.numDeletedRows) > 0;
      });
    },
    async addSubscription(subscription) {
      return db.transaction().execute(async (trx) => {
        const topic = await trx.selectFrom('notify_topics').select('name').where('name', '=', subscription.topicName).executeTakeFirst();
        if (topic === undefined) return false;
        const result = await trx
          .insertInto('notify_subscriptions')
          .values({
            arn: subscription.arn,
            topic_name: subscription.topicName,
            protocol: subscription.protocol,
            endpoint: subscription.endpoint,
            raw_message_delivery: subscription.rawMessageDelivery ? 1 : 0,
            signing_secret: subscription.signingSecret,
            created_at: subscription.createdAt,
          })
          .onConflict((oc) => oc.column('arn').doNothing())
          .executeTakeFirst();
        return toNumber(result.numInsertedOrUpdatedRows) > 0;
      });
    },
    async listSubscriptions(topicName) {
      const rows = await db.selectFrom('notify_subscriptions').selectAll().where('topic_name', '=', topicName).orderBy('created_at').orderBy('arn').execute();
      return rows.map(toSubscription);
    },
    async deleteSubscription(arn) {
      const result = await db.deleteFrom('notify_subscriptions').where('arn', '=', arn).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
  };
}

function toTopic(row: { name: string; arn: string; display_name: string; created_at: number | string }): NotifyTopic {
  return { name: row.name, arn: row.arn, displayName: row.display_name, createdAt: toNumber(row.created_at) };
}

function toSubscription(row: { arn: string; topic_name: string; protocol: string; endpoint: string; raw_message_delivery: number | string; signing_secret: string; created_at: number | string }): NotifySubscription {
  return {
    arn: row.arn,
    topicName: row.topic_name,
    protocol: row.protocol as SubscriptionProtocol,
    endpoint: row.endpoint,
    rawMessageDelivery: toNumber(row.raw_message_delivery) !== 0,
    signingSecret: row.signing_secret,
    createdAt: toNumber(row.created_at),
  };
}
