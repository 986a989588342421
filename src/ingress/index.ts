/**
 * ingress: the MQTT broker (its own core in `broker/` on mqtt-packet: MQTT 3.1.1 and 5) behind TLS
 * with client certificates. Devices
 * authenticate by a registered ACTIVE certificate from a registered ACTIVE CA; every connect,
 * publish, subscribe and delivery is authorized by the registry's IoT-policy port; Device Defender
 * reports on the reserved topics are decoded by `protocol`, rate-checked and answered; cloud-side
 * and device-side datapoints go to the `DatapointSink` port, every other publish to the rules
 * sink; connections are recorded for the audit. Imports: core, model, config, telemetry,
 * protocol, and npm (mqtt-packet, node:net, node:tls).
 */
export { createIngress, type Ingress, type IngressOptions } from './ingress.js';
export { ingressConfigSchema, type IngressConfig } from './config.js';
export { countingDatapointSink, recordingDatapointSink, fanOutDatapointSink, type RecordingDatapointSink } from './datapoint-sinks.js';
export type { Connection } from './connection.js';
