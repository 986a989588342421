/** A notify topic (Vigil's SNS topic). */
export interface NotifyTopic {
  readonly name: string;
  /** `arn:aws:sns:<region>:<account>:<name>`. */
  readonly arn: string;
  readonly displayName: string;
  readonly createdAt: number;
}

/** `stream` = Firehose subscription; `https`/`http` = webhook; `mqtt` = republish to a topic. */
export type SubscriptionProtocol = 'stream' | 'https' | 'http' | 'mqtt';

export interface NotifySubscription {
  /** `<topicArn>:<uuid>`, as SNS. */
  readonly arn: string;
  readonly topicName: string;
  readonly protocol: SubscriptionProtocol;
  /** Stream name, webhook URL or MQTT topic. */
  readonly endpoint: string;
  /** SNS `RawMessageDelivery`: deliver the message body only, not the envelope. */
  readonly rawMessageDelivery: boolean;
  /** HMAC-SHA256 key of webhook signatures (webhook subscriptions only; empty otherwise). */
  readonly signingSecret: string;
  readonly createdAt: number;
}

/** Storage port for topics and their subscriptions. */
export interface NotifyStore {
  /** False when a topic of that name exists. */
  createTopic(topic: NotifyTopic): Promise<boolean>;
  getTopic(name: string): Promise<NotifyTopic | undefined>;
  listTopics(): Promise<NotifyTopic[]>;
  /** Deletes the topic and its subscriptions; false when there was none. */
  deleteTopic(name: string): Promise<boolean>;
  /** False when the topic does not exist or the ARN is taken. */
  addSubscription(subscription: NotifySubscription): Promise<boolean>;
  listSubscriptions(topicName: string): Promise<NotifySubscription[]>;
  deleteSubscription(arn: string): Promise<boolean>;
}

/** One action of a topic rule, in the AWS `Action` shape (exactly one key set). */
export interface TopicRuleAction {
  readonly firehose?: { readonly roleArn?: string; readonly deliveryStreamName: string; readonly separator?: string; readonly batchMode?: boolean };
  readonly republish?: { readonly roleArn?: string; readonly topic: string; readonly qos?: number };
  readonly sns?: { readonly targetArn: string; readonly roleArn?: string; readonly messageFormat?: 'RAW' | 'JSON' };
}

/** A topic rule (AWS IoT `TopicRule`), plain data. */
export interface TopicRule {
  readonly ruleName: string;
  readonly sql: string;
  readonly description: string;
  readonly actions: readonly TopicRuleAction[];
  readonly errorAction: TopicRuleAction | undefined;
  readonly ruleDisabled: boolean;
  readonly awsIotSqlVersion: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Storage port for topic rules. */
export interface TopicRuleStore {
  /** False when a rule of that name exists. */
  create(rule: TopicRule): Promise<boolean>;
  get(ruleName: string): Promise<TopicRule | undefined>;
  list(): Promise<TopicRule[]>;
  /** Overwrites an existing rule; false when there is none. */
  replace(rule: TopicRule): Promise<boolean>;
  delete(ruleName: string): Promise<boolean>;
}
