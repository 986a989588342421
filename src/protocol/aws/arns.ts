import { VigilError } from '../../core/index.js';
import type { PolicyTarget } from '../../model/index.js';

/** AWS-form ARNs with the configured region and account (`arn:aws:iot:<region>:<account>:<type>/<name>`). */
export interface Arns {
  readonly prefix: string;
  thing(name: string): string;
  thingGroup(name: string): string;
  cert(id: string): string;
  caCert(id: string): string;
  policy(name: string): string;
  target(target: PolicyTarget): string;
}

export function arns(region: string, accountId: string): Arns {
  const prefix = `arn:aws:iot:${region}:${accountId}`;
  return {
    prefix,
    thing: (name) => `${prefix}:thing/${name}`,
    thingGroup: (name) => `${prefix}:thinggroup/${name}`,
    cert: (id) => `${prefix}:cert/${id}`,
    caCert: (id) => `${prefix}:cacert/${id}`,
    policy: (name) => `${prefix}:policy/${name}`,
    target: (target) => (target.kind === 'cert' ? `${prefix}:cert/${target.id}` : `${prefix}:thinggroup/${target.id}`),
  };
}

/**
 * A policy target or thing principal as AWS accepts it: a certificate ARN, a thing-group ARN, or
 * (Vigil extension) a bare certificate id. Region and account in a given ARN are not checked.
 */
export function parseTarget(text: string): PolicyTarget {
  const arn = /^arn:aws[a-z-]*:iot:[^:]*:[^:]*:(cert|thinggroup)\/(.+)$/.exec(text);
  if (arn !== null) return { kind: arn[1] as 'cert' | 'thinggroup', id: arn[2] as string };
  if (/^[0-9a-f]{64}$/.test(text)) return { kind: 'cert', id: text };
  throw new VigilError('registry.invalid_target', `"${text}" is not a certificate or thing-group ARN`, { hint: 'Vigil has no Cognito identities; attach policies to certificates (arn:…:cert/<id>) or thing groups (arn:…:thinggroup/<name>)' });
}

/** The name at the end of an ARN of the given type, or the text itself when it is not an ARN. */
export function nameFromArn(text: string, type: string): string {
  const match = new RegExp(`^arn:aws[a-z-]*:iot:[^:]*:[^:]*:${type}/(.+)$`).exec(text);
  return match === null ? text : (match[1] as string);
}
