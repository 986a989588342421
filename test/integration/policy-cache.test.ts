import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

/**
 * The compiled-policy cache behind device authorization is bounded (`registry.policy_cache_size`,
 * least recently used out) and drops a policy when it changes or is deleted. Before, it kept up to
 * 10,000 compiled versions of policies long deleted: the policy fuzz's RSS grew 318 → 393 MB over
 * 47,000 create/evaluate/delete cycles.
 */

let vigil: TestVigil;
let api: string;
let headers: Record<string, string>;
let certificateArn: string;
let certificateId: string;

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' }, registry: { policy_cache_size: 16 } });
  api = vigil.running.endpoints['api'] as string;
  headers = { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' };
  const registry = vigil.running.registry;
  await registry.things.createThing({ thingName: 'cache-device' });
  const issued = await registry.certificates.createKeysAndCertificate(true, 'cache-device');
  certificateId = issued.certificate.certificateId;
  certificateArn = registry.arns.cert(certificateId);
});
afterAll(async () => vigil?.stop());

const document = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `arn:aws:iot:local:000000000000:topic/cache/${n}/*` }] });

async function createPolicy(name: string, n: number): Promise<void> {
  const response = await fetch(`${api}/policies/${name}`, { method: 'POST', headers, body: JSON.stringify({ policyDocument: document(n) }) });
  expect(response.status, await response.text()).toBe(200);
}

/** Opens a connection for the device and asks whether it may publish on each topic. */
async function mayPublish(topics: string[]): Promise<boolean[]> {
  const authorizer = await vigil.running.registry.deviceAuth.openConnection({ certificateId, clientId: 'cache-device', sourceIp: '10.0.0.1', connectAttributes: [], lastWillTopic: undefined });
  try {
    const answers: boolean[] = [];
    for (const topic of topics) answers.push(await authorizer.canPublish(topic));
    return answers;
  } finally {
    authorizer.close();
  }
}

const cache = (result: 'hit' | 'miss' | 'evicted') => vigil.running.telemetry.counter('policy_cache', { result });

describe('compiled-policy cache', () => {
  it('drops a deleted policy at once: 200 create/evaluate/delete cycles leave nothing cached', async () => {
    const registry = vigil.running.registry;
    for (let n = 0; n < 200; n++) {
      const name = `cycle-${n}`;
      await createPolicy(name, n);
      await registry.policies.attachPolicy(name, certificateArn);
      expect(await mayPublish([`cache/${n}/x`, `cache/${n + 1}/x`])).toEqual([true, false]);
      await registry.policies.detachPolicy(name, certificateArn);
      expect((await fetch(`${api}/policies/${name}`, { method: 'DELETE', headers })).status).toBe(200);
    }
    expect(registry.deviceAuth.cachedPolicies()).toBe(0);
  }, 120_000);

  it('keeps at most registry.policy_cache_size versions in force, least recently used out, and still decides right after an eviction', async () => {
    const registry = vigil.running.registry;
    const evictedBefore = cache('evicted');
    for (let n = 0; n < 40; n++) {
      await createPolicy(`kept-${n}`, 1000 + n);
      await registry.policies.attachPolicy(`kept-${n}`, certificateArn);
    }
    // 40 policies in force for one certificate: each load compiles (or reuses) all 40 through a cache of 16.
    expect(await mayPublish(['cache/1000/a', 'cache/1039/a', 'cache/999/a'])).toEqual([true, true, false]);
    expect(registry.deviceAuth.cachedPolicies()).toBe(16);
    expect(cache('evicted') - evictedBefore).toBeGreaterThanOrEqual(40 - 16);
    // A changed policy (new default version) is recompiled, not served stale.
    const version = await fetch(`${api}/policies/kept-0/version?setAsDefault=true`, { method: 'POST', headers, body: JSON.stringify({ policyDocument: document(2000) }) });
    expect(version.status, await version.text()).toBe(200);
    expect(await mayPublish(['cache/1000/a', 'cache/2000/a'])).toEqual([false, true]);
    expect(registry.deviceAuth.cachedPolicies()).toBeLessThanOrEqual(16);
  }, 120_000);
});
