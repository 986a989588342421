import type { AuditCheck } from './types.js';

/** Vigil-specific: an HTTP listener (API, HEC) serves plain HTTP on a non-loopback address, so tokens cross the network in clear. */
export const plainHttpListenerCheck: AuditCheck = {
  name: 'VIGIL_PLAIN_HTTP_LISTENER_CHECK',
  severity: 'MEDIUM',
  resourceType: 'ACCOUNT_SETTINGS',
  reasonCodes: ['PLAIN_HTTP_ON_NON_LOOPBACK_ADDRESS'],
  mitigations: [],
  async run(context) {
    const plain = context.exposure.plainHttp;
    const list = plain.map((l) => `${l.name} on ${l.address}`).join(', ');
    return {
      totalResourcesCount: 1,
      findings: plain.length === 0 ? [] : [{ resource: { resourceType: 'ACCOUNT_SETTINGS', resourceIdentifier: { account: context.accountId } }, reasonCode: 'PLAIN_HTTP_ON_NON_LOOPBACK_ADDRESS', reason: `Plain HTTP without TLS on a non-loopback address (${list}): tokens travel in clear; set tls: auto (or your certificate) unless a TLS proxy on a trusted network fronts it.` }],
    };
  },
};
