import { VigilError } from '../../core/index.js';
import type { PolicyTarget } from '../../model/index.js';
import { TOPIC_NAME } from './names.js';

/**
 * AWS-form ARNs from the configured region and account (`arn:aws:<service>:<region>:<account>:…`,
 * default `local` / `000000000000`): the one place Vigil writes an ARN, and reads one back.
 */
export interface Arns {
  readonly region: string;
  readonly accountId: string;
  /** `arn:aws:iot:<region>:<account>` */
  readonly prefix: string;
  /** Any AWS IoT resource: `iot('thinggroup/plant')`. */
  iot(resource: string): string;
  thing(name: string): string;
  thingGroup(name: string): string;
  cert(id: string): string;
  caCert(id: string): string;
  policy(name: string): string;
  target(target: PolicyTarget): string;
  securityProfile(name: string): string;
  customMetric(name: string): string;
  dimension(name: string): string;
  mitigationAction(name: string): string;
  topicRule(name: string): string;
  scheduledAudit(name: string): string;
  snsTopic(name: string): string;
  deliveryStream(name: string): string;
  lambdaFunction(name: string): string;
  /** IAM is global: no region. */
  iamRole(name: string): string;
  /** S3 bucket names are global: no region, no account. */
  s3Bucket(name: string): string;
}

export function arns(region: string, accountId: string): Arns {
  const arn = (service: string, resource: string): string => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const iot = (resource: string): string => arn('iot', resource);
  return {
    region,
    accountId,
    prefix: `arn:aws:iot:${region}:${accountId}`,
    iot,
    thing: (name) => iot(`thing/${name}`),
    thingGroup: (name) => iot(`thinggroup/${name}`),
    cert: (id) => iot(`cert/${id}`),
    caCert: (id) => iot(`cacert/${id}`),
    policy: (name) => iot(`policy/${name}`),
    target: (target) => iot(`${target.kind === 'cert' ? 'cert' : 'thinggroup'}/${target.id}`),
    securityProfile: (name) => iot(`securityprofile/${name}`),
    customMetric: (name) => iot(`custommetric/${name}`),
    dimension: (name) => iot(`dimension/${name}`),
    mitigationAction: (name) => iot(`mitigationaction/${name}`),
    topicRule: (name) => iot(`rule/${name}`),
    scheduledAudit: (name) => iot(`scheduledaudit/${name}`),
    snsTopic: (name) => arn('sns', name),
    deliveryStream: (name) => arn('firehose', `deliverystream/${name}`),
    lambdaFunction: (name) => arn('lambda', `function:${name}`),
    iamRole: (name) => `arn:aws:iam::${accountId}:role/${name}`,
    s3Bucket: (name) => `arn:aws:s3:::${name}`,
  };
}

/** The parts of an ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`); undefined for anything else. */
export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  /** Everything after the account, colons included (`function:name`, `thinggroup/g`). */
  readonly resource: string;
}

export function parseArn(text: string): ParsedArn | undefined {
  const match = /^arn:(aws[a-z-]*):([a-z0-9-]+):([^:]*):([^:]*):(.+)$/.exec(text);
  if (match === null) return undefined;
  return { partition: match[1] as string, service: match[2] as string, region: match[3] as string, accountId: match[4] as string, resource: match[5] as string };
}

/** The resource of an ARN of `service` (region and account not checked); undefined for another ARN or text. */
function resourceOf(text: string, service: string): string | undefined {
  const parsed = parseArn(text);
  return parsed?.service === service ? parsed.resource : undefined;
}

/**
 * A policy target or thing principal as AWS accepts it: a certificate ARN, a thing-group ARN, or
 * (Vigil extension) a bare certificate id. Region and account in a given ARN are not checked.
 */
export function parseTarget(text: string): PolicyTarget {
  const arn = /^(cert|thinggroup)\/(.+)$/.exec(resourceOf(text, 'iot') ?? '');
  if (arn !== null) return { kind: arn[1] as 'cert' | 'thinggroup', id: arn[2] as string };
  if (/^[0-9a-f]{64}$/.test(text)) return { kind: 'cert', id: text };
  throw new VigilError('registry.invalid_target', `"${text}" is not a certificate or thing-group ARN`, { hint: 'Vigil has no Cognito identities; attach policies to certificates (arn:…:cert/<id>) or thing groups (arn:…:thinggroup/<name>)' });
}

/** The name at the end of an AWS IoT ARN of the given type, or the text itself when it is not one. */
export function nameFromArn(text: string, type: string): string {
  const resource = resourceOf(text, 'iot');
  return resource !== undefined && resource.startsWith(`${type}/`) && resource.length > type.length + 1 ? resource.slice(type.length + 1) : text;
}

export type ProfileTargetKind = 'all-things' | 'registered' | 'unregistered' | 'group';

/** A security-profile target ARN: `all/things`, `all/registered-things`, `all/unregistered-things` or `thinggroup/<name>`. */
export function parseProfileTarget(arn: string): { kind: ProfileTargetKind; group?: string } | undefined {
  const match = /^(all\/things|all\/registered-things|all\/unregistered-things|thinggroup\/(.+))$/.exec(resourceOf(arn, 'iot') ?? '');
  if (match === null) return undefined;
  if (match[2] !== undefined) return { kind: 'group', group: match[2] };
  return { kind: match[1] === 'all/things' ? 'all-things' : match[1] === 'all/registered-things' ? 'registered' : 'unregistered' };
}

/** The AWS IoT resource of an ARN (`thinggroup/plant`), or the text itself when it is not one. */
export function iotResource(text: string): string {
  return resourceOf(text, 'iot') ?? text;
}

/** A notify topic named by its name or by its `arn:aws:sns:<region>:<account>:<name>` ARN. */
export function isSnsTopicRef(text: string): boolean {
  const parsed = parseArn(text);
  if (parsed === undefined) return TOPIC_NAME.pattern.test(text);
  return parsed.partition === 'aws' && parsed.service === 'sns' && TOPIC_NAME.pattern.test(parsed.resource);
}

/** A notify topic name from a name or its `arn:aws:sns:…` ARN. */
export function snsTopicName(ref: string): string {
  return ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf(':') + 1) : ref;
}

/** The delivery-stream name of a Firehose ARN; undefined for anything else. */
export function deliveryStreamName(text: string): string | undefined {
  const match = /^deliverystream\/(.+)$/.exec(resourceOf(text, 'firehose') ?? '');
  return match?.[1];
}

/** The function name of a Lambda ARN (`…:function:<name>`), or the text itself when it is not one. */
export function lambdaFunctionName(text: string): string {
  return text.includes(':function:') ? text.slice(text.indexOf(':function:') + ':function:'.length) : text;
}
