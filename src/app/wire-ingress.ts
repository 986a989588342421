import { VigilError, err, type Clock, type Result, type Timer } from '../core/index.js';
import { countingDatapointSink, createIngress, type Ingress } from '../ingress/index.js';
import type { DatapointSink, MqttPublisher, RulesSink } from '../model/index.js';
import type { MetricReport } from '../protocol/index.js';
import type { Registry } from '../registry/index.js';
import { connectionHistoryRepository, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

/**
 * Builds the MQTT broker over the registry's device-auth port, handing publishes to `rules`.
 * Datapoints are counted and dropped until a detect engine is passed as `datapoints`.
 */
export function wireIngress(input: { config: VigilConfig; registry: RegistryDb; registryEngine: Registry; rules: RulesSink; clock: Clock; timer: Timer; telemetry: Telemetry; datapoints?: DatapointSink<MetricReport> }): Ingress {
  const telemetry = input.telemetry.child('ingress');
  return createIngress({
    config: input.config.mqtt,
    deviceAuth: input.registryEngine.deviceAuth,
    server: input.registryEngine.server,
    rules: input.rules,
    datapoints: input.datapoints ?? countingDatapointSink(telemetry),
    history: connectionHistoryRepository(input.registry),
    clock: input.clock,
    timer: input.timer,
    telemetry,
  });
}

/**
 * Rules and notify need the broker's publisher, and the broker needs the rules engine: they get
 * this publisher first, and `bind` connects it once the broker exists.
 */
export function deferredPublisher(): { readonly publisher: MqttPublisher; bind(target: MqttPublisher): void } {
  let target: MqttPublisher | undefined;
  return {
    publisher: {
      async publish(topic, payload, options): Promise<Result<void>> {
        if (target === undefined) return err(new VigilError('mqtt.unavailable', `publish to ${topic}: the MQTT broker is not wired`));
        return target.publish(topic, payload, options);
      },
    },
    bind(value) {
      target = value;
    },
  };
}
