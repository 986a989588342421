import type { AuditCheck } from './types.js';

/** Vigil-specific: `mqtt.plain_listen` is set, so clients connect without TLS or a certificate, as anyone. */
export const plainMqttListenerCheck: AuditCheck = {
  name: 'VIGIL_PLAIN_MQTT_LISTENER_CHECK',
  severity: 'HIGH',
  resourceType: 'ACCOUNT_SETTINGS',
  reasonCodes: ['PLAIN_MQTT_LISTENER_ENABLED'],
  mitigations: [],
  async run(context) {
    const address = context.exposure.plainMqtt;
    return {
      totalResourcesCount: 1,
      findings: address === undefined ? [] : [{ resource: { resourceType: 'ACCOUNT_SETTINGS', resourceIdentifier: { account: context.accountId } }, reasonCode: 'PLAIN_MQTT_LISTENER_ENABLED', reason: `Plain MQTT (no TLS, no client certificate, no policy) listens on ${address}; remove mqtt.plain_listen outside local experiments.` }],
    };
  },
};
