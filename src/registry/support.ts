import { VigilError, type Clock } from '../core/index.js';
import type { CertificateStore, PageRequest, PolicyStore, TagStore, ThingStore } from '../model/index.js';
import { ATTRIBUTE_NAME, IOT_NAME, POLICY_NAME } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { CertificateAuthority } from './ca/certificate-authority.js';
import type { RegistryConfig } from './config.js';
import type { RegistryEventHub } from './events.js';

/** What every registry service is built from. */
export interface RegistryDeps {
  readonly things: ThingStore;
  readonly certificates: CertificateStore;
  readonly policies: PolicyStore;
  readonly tags: TagStore;
  readonly ca: CertificateAuthority;
  readonly config: RegistryConfig;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly events: RegistryEventHub;
  readonly region: string;
  readonly accountId: string;
}

/** AWS `maxResults`/`pageSize` range (device-defender.md §9). */
export const MAX_PAGE = 250;
const DEFAULT_PAGE = 100;

/** Validates AWS paging input and turns the opaque token into a store cursor. */
export function pageRequest(token: string | undefined, size: number | undefined): PageRequest {
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > MAX_PAGE)) {
    throw new VigilError('registry.invalid_page_size', `maxResults/pageSize must be 1..${MAX_PAGE}`);
  }
  let cursor: string | undefined;
  if (token !== undefined && token !== '') {
    cursor = Buffer.from(token, 'base64url').toString('utf8');
    if (!cursor.startsWith('v1|')) throw new VigilError('registry.invalid_token', 'the nextToken/marker is not one this server issued');
    cursor = cursor.slice(3);
  }
  return { limit: size ?? DEFAULT_PAGE, cursor };
}

export function tokenOf(cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(`v1|${cursor}`, 'utf8').toString('base64url');
}


export function checkThingName(name: string, what = 'thing name'): void {
  if (!IOT_NAME.pattern.test(name)) throw new VigilError('registry.invalid_name', `"${name}" is not a valid ${what}`, { hint: IOT_NAME.rule });
}

export function checkPolicyName(name: string): void {
  if (!POLICY_NAME.pattern.test(name)) throw new VigilError('policy.invalid_name', `"${name}" is not a valid policy name`, { hint: POLICY_NAME.rule });
}

export function checkAttributes(attributes: Readonly<Record<string, string>>): void {
  const entries = Object.entries(attributes);
  if (entries.length > 50) throw new VigilError('registry.invalid_attributes', 'at most 50 attributes');
  for (const [key, value] of entries) {
    if (!ATTRIBUTE_NAME.pattern.test(key)) throw new VigilError('registry.invalid_attributes', `"${key}" is not a valid attribute name`);
    if (typeof value !== 'string' || value.length > 800) throw new VigilError('registry.invalid_attributes', `attribute ${key} must be a string of at most 800 characters`);
  }
}
