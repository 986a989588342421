import type { Clock, Timer } from '../core/index.js';
import { createDetect, type Detect } from '../detect/index.js';
import type { MqttPublisher, Notifier, ThingDirectory } from '../model/index.js';
import type { Registry } from '../registry/index.js';
import { detectMetricHistory, detectMitigationRepository, detectMlModelRepository, detectMlTrainingSource, detectProfileRepository, detectViolationRepository, type EventsDb, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

/**
 * Builds Detect over the registry (things, groups, membership events), notify (alert targets), the
 * broker's publisher (metrics export) and the stores (profiles and violations in the registry
 * database, retained metric values in DuckDB). Its engine is the ingress's datapoint sink.
 */
export async function wireDetect(input: { config: VigilConfig; registry: RegistryDb; events: EventsDb; registryEngine: Registry; notifier: Notifier; publisher: MqttPublisher; clock: Clock; timer: Timer; telemetry: Telemetry }): Promise<{ detect: Detect; close: () => Promise<void> }> {
  const history = await detectMetricHistory(input.events);
  const detect = createDetect({
    stores: { profiles: detectProfileRepository(input.registry), violations: detectViolationRepository(input.registry), mitigation: detectMitigationRepository(input.registry), history },
    directory: thingDirectory(input.registryEngine),
    registryEvents: input.registryEngine.events,
    notifier: input.notifier,
    publisher: input.publisher,
    clock: input.clock,
    timer: input.timer,
    telemetry: input.telemetry.child('detect'),
    config: input.config.detect,
    region: input.config.region,
    accountId: input.config.account_id,
    ml: { store: detectMlModelRepository(input.registry), source: detectMlTrainingSource(input.events), config: input.config.ml },
  });
  return { detect, close: async () => history.close() };
}

/** The registry as detect sees it: effective groups (direct and ancestors) of registered things. */
export function thingDirectory(registry: Registry): ThingDirectory {
  const { things } = registry;
  return {
    async groupsOf(thingName) {
      try {
        await things.describeThing(thingName);
      } catch {
        return undefined;
      }
      const out = new Set<string>();
      let nextToken: string | undefined;
      do {
        const page = await things.listGroupsForThing(thingName, { nextToken, maxResults: 250 });
        for (const group of page.items) {
          out.add(group.groupName);
          for (const ancestor of await things.ancestors(group)) out.add(ancestor.groupName);
        }
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      return [...out];
    },
    addThingToGroup: (groupName, thingName) => things.addThingToGroup(groupName, thingName),
    async requireGroup(groupName) {
      await things.requireGroup(groupName);
    },
    async descendantsOf(groupName) {
      const out: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await things.listGroups({ parentGroup: groupName, recursive: true, nextToken, maxResults: 250 });
        out.push(...page.items.map((g) => g.groupName));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      return out;
    },
  };
}
