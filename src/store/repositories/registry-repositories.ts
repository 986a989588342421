import type { CertificateStore, PolicyStore, TagStore, ThingStore } from '../../model/index.js';
import type { RegistryDb } from '../dialect.js';
import { certificateRepository } from './certificates.js';
import { policyRepository } from './policies.js';
import { tagRepository } from './tags.js';
import { thingRepository } from './things.js';

/** The four stores the registry service is built on, all on one registry database. */
export function registryRepositories(db: RegistryDb): { readonly things: ThingStore; readonly certificates: CertificateStore; readonly policies: PolicyStore; readonly tags: TagStore } {
  return { things: thingRepository(db), certificates: certificateRepository(db), policies: policyRepository(db), tags: tagRepository(db) };
}
