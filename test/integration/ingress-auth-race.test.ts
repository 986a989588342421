import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceAuth } from '../../src/model/index.js';
import { closed, startIngressFixture, type IngressFixture } from './ingress-support.js';

/** Holds the first iot:Connect decision of `clientId` (already computed) until `release()`. */
function gate(clientId: string) {
  let reached!: () => void;
  let release!: () => void;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const open = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const wrap = (auth: DeviceAuth): DeviceAuth => ({
    ...auth,
    async openConnection(context) {
      const authorizer = await auth.openConnection(context);
      if (context.clientId !== clientId) return authorizer;
      return Object.assign(Object.create(authorizer) as typeof authorizer, {
        async canConnect() {
          const allowed = await authorizer.canConnect();
          if (!held) {
            held = true;
            reached();
            await open;
          }
          return allowed;
        },
      });
    },
  });
  return { wrap, atGate, release };
}

describe('ingress: registry changes while a client is being authenticated', () => {
  let fx: IngressFixture;
  const revoked = gate('kappa');
  const denied = gate('nu');
  const unrelated = gate('xi');

  beforeAll(async () => {
    fx = await startIngressFixture({ deviceAuth: (auth) => unrelated.wrap(denied.wrap(revoked.wrap(auth))) });
  });
  afterAll(async () => fx?.close());

  it('refuses a client whose certificate is revoked after its iot:Connect was allowed but before CONNACK', async () => {
    const kappa = await fx.device('kappa');
    const connecting = fx.connect(kappa, 'kappa');
    await revoked.atGate;
    await fx.registry.certificates.updateCertificate(kappa.certificateId, 'REVOKED');
    revoked.release();
    await expect(connecting).rejects.toThrow(/Not authorized/i);
    expect(fx.ingress.connections().some((c) => c.clientId === 'kappa')).toBe(false);
  });

  it('refuses a client whose iot:Connect is denied by a policy change that lands mid-authentication', async () => {
    const nu = await fx.device('nu');
    const connecting = fx.connect(nu, 'nu');
    await denied.atGate;
    await fx.registry.policies.detachPolicy?.(fx.registry.defaultPolicyName, fx.registry.arns.cert(nu.certificateId));
    denied.release();
    await expect(connecting).rejects.toThrow(/Not authorized/i);
  });

  it('connects a client when the change that lands mid-authentication does not concern it; a revocation still closes it', async () => {
    const xi = await fx.device('xi');
    const connecting = fx.connect(xi, 'xi');
    await unrelated.atGate;
    await fx.registry.things.createThing({ thingName: 'omicron' });
    unrelated.release();
    const client = await connecting;
    const gone = closed(client, 1000);
    await fx.registry.certificates.updateCertificate(xi.certificateId, 'REVOKED');
    await gone;
  });
});
