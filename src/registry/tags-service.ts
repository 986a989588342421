import { VigilError } from '../core/index.js';
import type { ResourceTag } from '../model/index.js';
import { arns, parseArn } from '../protocol/index.js';
import type { CertificatesService } from './certificates-service.js';
import type { PoliciesService } from './policies-service.js';
import { pageRequest, tokenOf, type RegistryDeps } from './support.js';
import type { Listed, ThingsService } from './things-service.js';

/** AWS limits (TagResource): 50 tags per resource, keys 1–128 characters, values up to 256, `aws:` reserved. */
const MAX_TAGS = 50;

type Exists = (name: string) => Promise<unknown>;

/**
 * TagResource / UntagResource / ListTagsForResource for the registry's resources, by ARN in this
 * server's region and account. A resource's tags are deleted with it (the services that delete do it).
 */
export function tagsService(deps: RegistryDeps, services: { things: ThingsService; certificates: CertificatesService; policies: PoliciesService }) {
  /** The resource types that take tags here, and how to check that one exists. */
  const resources: Record<string, Exists> = {
    thing: (name) => services.things.describeThing(name),
    thinggroup: (name) => services.things.describeGroup(name),
    thingtype: (name) => services.things.describeThingType(name),
    cert: (id) => services.certificates.requireCertificate(id),
    cacert: (id) => services.certificates.requireCa(id),
    policy: (name) => services.policies.getPolicy(name),
  };

  /** Checks that the ARN names an existing taggable resource of this server. */
  async function requireResource(resourceArn: string): Promise<void> {
    const parsed = parseArn(resourceArn);
    if (parsed === undefined || parsed.service !== 'iot') throw new VigilError('tag.invalid_request', `resourceArn ${resourceArn} is not an AWS IoT ARN (expected ${arns(deps.region, deps.accountId).prefix}:<type>/<name>)`);
    if (parsed.region !== deps.region || parsed.accountId !== deps.accountId) {
      throw new VigilError('tag.invalid_request', `resourceArn ${resourceArn} names region ${parsed.region} and account ${parsed.accountId}; this server uses ${deps.region} and ${deps.accountId}`, { hint: 'set region and account_id in the config file (docs/configuration.md)' });
    }
    const slash = parsed.resource.indexOf('/');
    const type = slash < 0 ? parsed.resource : parsed.resource.slice(0, slash);
    const exists = resources[type];
    if (exists === undefined || slash < 0) throw new VigilError('tag.invalid_request', `resources of type ${type} cannot be tagged here (taggable: ${Object.keys(resources).join(', ')})`);
    await exists(parsed.resource.slice(slash + 1));
  }

  function checkTags(tags: readonly ResourceTag[]): void {
    for (const tag of tags) {
      if (tag.key.length < 1 || tag.key.length > 128) throw new VigilError('tag.invalid_request', `tag key "${tag.key.slice(0, 140)}" must be 1 to 128 characters`);
      if (tag.key.toLowerCase().startsWith('aws:')) throw new VigilError('tag.invalid_request', `tag key ${tag.key}: the aws: prefix is reserved`);
      if (tag.value.length > 256) throw new VigilError('tag.invalid_request', `tag ${tag.key}: the value must be at most 256 characters`);
    }
    const keys = tags.map((t) => t.key);
    if (new Set(keys).size !== keys.length) throw new VigilError('tag.invalid_request', 'a tag key is given twice');
  }

  return {
    async tagResource(resourceArn: string, tags: readonly ResourceTag[]): Promise<void> {
      await requireResource(resourceArn);
      checkTags(tags);
      const keys = new Set([...(await deps.tags.tagKeys(resourceArn)), ...tags.map((t) => t.key)]);
      if (keys.size > MAX_TAGS) throw new VigilError('tag.limit_exceeded', `a resource has at most ${MAX_TAGS} tags (this would make ${keys.size})`, { hint: 'remove some with UntagResource' });
      await deps.tags.putTags(resourceArn, tags);
      deps.telemetry.emit('registry_changed', { resource: 'tags', operation: 'tag' }, { resourceArn, keys: tags.map((t) => t.key) });
    },

    async untagResource(resourceArn: string, keys: readonly string[]): Promise<void> {
      await requireResource(resourceArn);
      await deps.tags.removeTags(resourceArn, keys);
      deps.telemetry.emit('registry_changed', { resource: 'tags', operation: 'untag' }, { resourceArn, keys });
    },

    async listTags(resourceArn: string, query: { nextToken?: string | undefined }): Promise<Listed<ResourceTag>> {
      await requireResource(resourceArn);
      const page = await deps.tags.listTags(resourceArn, pageRequest(query.nextToken, undefined));
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    /** Checks tags given on a create call before the resource is created. */
    checkTags(tags: readonly ResourceTag[] | undefined): void {
      if (tags === undefined) return;
      checkTags(tags);
      if (tags.length > MAX_TAGS) throw new VigilError('tag.limit_exceeded', `a resource has at most ${MAX_TAGS} tags (got ${tags.length})`);
    },

    /** Stores tags given on a create call (CreateThingType, RegisterCACertificate, …), already checked. */
    async tagCreated(resourceArn: string, tags: readonly ResourceTag[] | undefined): Promise<void> {
      if (tags === undefined || tags.length === 0) return;
      await deps.tags.putTags(resourceArn, tags);
    },
  };
}

export type TagsService = ReturnType<typeof tagsService>;
