import type { Command } from 'commander';
import { notifyClient, type SubscriptionView } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

const PROTOCOLS = ['stream', 'https', 'http', 'mqtt'] as const;

/** `vigil topic create|list|delete|subscribe|unsubscribe|publish`: notify topics on the running server. */
export function registerTopic(program: Command, context: CliContext): void {
  const group = program.command('topic').description('notify topics (SNS analog): subscribe streams, webhooks or MQTT topics, publish messages');

  withServerOptions(group.command('create <name>'))
    .description('create a topic (no-op if it exists); prints its ARN')
    .option('--display-name <text>', 'display name')
    .option('--json', 'JSON output')
    .action(async (name: string, options: ServerOptions & { displayName?: string; json?: boolean }) => {
      const topic = await notifyClient(clientFor(options, context)).create(name, options.displayName);
      if (options.json === true) printJson(context, topic);
      else context.io.out(`${topic.arn}\n`);
    });

  withServerOptions(group.command('list [topic]'))
    .description('list topics, or the subscriptions of one topic')
    .option('--json', 'JSON output')
    .action(async (topic: string | undefined, options: ServerOptions & { json?: boolean }) => {
      const client = notifyClient(clientFor(options, context));
      if (topic === undefined) {
        const { topics } = await client.list();
        if (options.json === true) printJson(context, { topics });
        else context.io.out(renderTable(['NAME', 'ARN', 'CREATED'], topics.map((t) => [t.name, t.arn, t.createdAt])));
        return;
      }
      const { subscriptions } = await client.subscriptions(topic);
      if (options.json === true) printJson(context, { subscriptions });
      else context.io.out(renderTable(['PROTOCOL', 'ENDPOINT', 'RAW', 'SUBSCRIPTION ARN'], subscriptions.map((s) => [s.protocol, s.endpoint, s.rawMessageDelivery ? 'yes' : 'no', s.subscriptionArn])));
    });

  withServerOptions(group.command('delete <topic>'))
    .description('delete a topic and its subscriptions')
    .action(async (topic: string, options: ServerOptions) => {
      await notifyClient(clientFor(options, context)).delete(topic);
      context.io.out(`deleted ${topic}\n`);
    });

  withServerOptions(group.command('subscribe <topic> <protocol> <endpoint>'))
    .description('subscribe: protocol stream (endpoint = stream name), https/http (webhook URL) or mqtt (topic)')
    .option('--raw', 'raw message delivery: the message body only, no SNS envelope')
    .option('--json', 'JSON output')
    .action(async (topic: string, protocol: string, endpoint: string, options: ServerOptions & { raw?: boolean; json?: boolean }) => {
      if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw new UsageError(`protocol must be one of ${PROTOCOLS.join(', ')}`);
      const subscription = await notifyClient(clientFor(options, context)).subscribe(topic, { protocol: protocol as SubscriptionView['protocol'], endpoint, rawMessageDelivery: options.raw === true });
      if (options.json === true) {
        printJson(context, subscription);
        return;
      }
      context.io.out(`${subscription.subscriptionArn}\n`);
      if (subscription.signingSecret !== undefined) {
        context.io.out(`signing secret (shown once; verify the x-vigil-signature header with it): ${subscription.signingSecret}\n`);
      }
    });

  withServerOptions(group.command('unsubscribe <subscriptionArn>'))
    .description('remove a subscription')
    .action(async (subscriptionArn: string, options: ServerOptions) => {
      await notifyClient(clientFor(options, context)).unsubscribe(subscriptionArn);
      context.io.out(`unsubscribed ${subscriptionArn}\n`);
    });

  withServerOptions(group.command('publish <topic> <message>'))
    .description('publish a message to every subscription; prints the message id')
    .option('-s, --subject <text>', 'subject (SNS Subject)')
    .action(async (topic: string, message: string, options: ServerOptions & { subject?: string }) => {
      const { messageId } = await notifyClient(clientFor(options, context)).publish(topic, message, options.subject);
      context.io.out(`${messageId}\n`);
    });
}
