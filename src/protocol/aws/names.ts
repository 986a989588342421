/** An AWS name rule: the pattern, its source text (for typebox schemas) and how to say it in an error. */
export interface NameRule {
  readonly pattern: RegExp;
  readonly source: string;
  readonly rule: string;
}

function nameRule(characters: string, maxLength: number): NameRule {
  const source = `^[${characters}]{1,${maxLength}}$`;
  return { pattern: new RegExp(source), source, rule: `1..${maxLength} characters of [${characters}]` };
}

/** Things, thing groups, security profiles and their behaviors, custom metrics, dimensions. */
export const IOT_NAME = nameRule('a-zA-Z0-9:_-', 128);
/** Mitigation actions, mitigation and audit task ids, scheduled audits. */
export const ACTION_NAME = nameRule('a-zA-Z0-9_-', 128);
/** Topic rules (no hyphen, no colon). */
export const RULE_NAME = nameRule('a-zA-Z0-9_', 128);
/** Delivery streams (Firehose `DeliveryStreamName`). */
export const STREAM_NAME = nameRule('a-zA-Z0-9_.-', 64);
/** SNS topics. */
export const TOPIC_NAME = nameRule('A-Za-z0-9_-', 256);
/** Thing attribute names. */
export const ATTRIBUTE_NAME = nameRule('a-zA-Z0-9_.,@/:#-', 128);
/** IoT policies. */
export const POLICY_NAME = nameRule('A-Za-z0-9_+=,.@-', 128);
