/** What one publish carries to every subscription. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  readonly subject: string | undefined;
  /** Epoch ms of the publish. */
  readonly timestamp: number;
}

/**
 * The SNS notification envelope (B.7), keys in SNS's order. `Subject` is absent when not set;
 * no `Signature*` fields (a Firehose subscription carries none; webhooks get Vigil's HMAC header).
 */
export function snsEnvelope(message: PublishedMessage, subscriptionArn: string, unsubscribeBase: string | undefined): Record<string, string> {
  const envelope: Record<string, string> = { Type: 'Notification', MessageId: message.messageId, TopicArn: message.topicArn };
  if (message.subject !== undefined) envelope['Subject'] = message.subject;
  envelope['Message'] = message.message;
  envelope['Timestamp'] = new Date(message.timestamp).toISOString();
  if (unsubscribeBase !== undefined) envelope['UnsubscribeURL'] = `${unsubscribeBase}/api/v1/subscriptions/${encodeURIComponent(subscriptionArn)}`;
  return envelope;
}

/** The body a subscription receives: the envelope as JSON, or the bare message with raw delivery. */
export function deliveryBody(message: PublishedMessage, subscriptionArn: string, raw: boolean, unsubscribeBase: string | undefined): string {
  return raw ? message.message : JSON.stringify(snsEnvelope(message, subscriptionArn, unsubscribeBase));
}
