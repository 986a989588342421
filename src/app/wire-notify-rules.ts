import { VigilError, err, ok, type Clock, type Timer } from '../core/index.js';
import type { Component, MqttMessage, MqttPublisher, StreamPutter } from '../model/index.js';
import { NotifyEngine } from '../notify/index.js';
import { RulesEngine } from '../rules/index.js';
import { notifyRepository, topicRuleRepository, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

export interface WiredNotifyRules {
  readonly notify: NotifyEngine;
  readonly rules: RulesEngine;
  /** The MQTT publisher rules `republish` and notify `mqtt` use (see `loopbackPublisher`). */
  readonly publisher: MqttPublisher;
  /** Start order: rules (loads rules), then notify. */
  readonly components: readonly Component[];
}

/**
 * Builds notify and rules and wires their ports: rules `sns` → notify; both put into streams through
 * `putter` (the stream engine's; until it is wired, puts fail with `stream.unavailable`, which rules
 * hand to their errorAction and notify retries). MQTT publishes loop back into the rules engine until
 * the broker (ingress) provides the real publisher.
 */
export function wireNotifyRules(options: { config: VigilConfig; registry: RegistryDb; clock: Clock; timer: Timer; telemetry: Telemetry; putter?: StreamPutter; publisher?: MqttPublisher }): WiredNotifyRules {
  const { config, clock, telemetry } = options;
  const putter = options.putter ?? unavailablePutter;
  let rulesRef: RulesEngine | undefined;
  const publisher = options.publisher ?? loopbackPublisher(clock, () => rulesRef);
  const notify = new NotifyEngine({
    store: notifyRepository(options.registry),
    putter,
    publisher,
    clock,
    timer: options.timer,
    telemetry: telemetry.child('notify'),
    config: config.notify,
    region: config.region,
    accountId: config.account_id,
  });
  const rules = new RulesEngine({
    store: topicRuleRepository(options.registry),
    ports: { putter, publisher, notifier: notify },
    clock,
    telemetry: telemetry.child('rules'),
    region: config.region,
    accountId: config.account_id,
    limits: { maxBytes: config.rules.max_sql_bytes, maxDepth: config.rules.max_sql_depth, maxTerms: config.rules.max_sql_terms },
    maxPayloadDepth: config.rules.max_payload_depth,
    disableAfterFailures: config.rules.disable_after_failures,
    maxRepublishHops: config.rules.max_republish_hops,
  });
  rulesRef = rules;
  return { notify, rules, publisher, components: [rules, notify] };
}

const unavailablePutter: StreamPutter = {
  async put(streamName) {
    return err(new VigilError('stream.unavailable', `stream ${streamName}: no stream engine is wired in this process`));
  },
};

/**
 * An in-process MQTT publisher with no broker: every publish is handed to the rules engine as if a
 * client had published it (next tick, so a rule that republishes cannot recurse on the stack). There
 * are no MQTT subscribers to reach without the broker.
 */
export function loopbackPublisher(clock: Clock, rules: () => RulesEngine | undefined): MqttPublisher {
  return {
    async publish(topic, payload) {
      const message: MqttMessage = { topic, payload: Uint8Array.from(payload), receivedAt: clock.now() };
      setImmediate(() => void rules()?.onMessage(message));
      return ok(undefined);
    },
  };
}
