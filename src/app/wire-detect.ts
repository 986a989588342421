import { join } from 'node:path';
import { attemptAsync, type Clock, type Timer } from '../core/index.js';
import type { DetectPartitions } from '../cluster/index.js';
import { createDetect, type Detect } from '../detect/index.js';
import type { MqttPublisher, Notifier, ThingDirectory } from '../model/index.js';
import type { Registry } from '../registry/index.js';
import { SqliteExportJournal, connectionHistoryRepository, detectMetricHistory, detectMitigationRepository, detectMlModelRepository, detectMlTrainingSource, detectProfileRepository, detectViolationRepository, type DataDir, type EventsDb, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

/**
 * Builds Detect over the registry (things, groups, membership events), notify (alert targets), the
 * broker's publisher (metrics export) and the stores (profiles and violations in the registry
 * database, retained metric values in DuckDB, the export journal in `detect-journal.sqlite`). Its
 * engine is the ingress's datapoint sink.
 */
export async function wireDetect(input: { config: VigilConfig; layout: DataDir; registry: RegistryDb; events: EventsDb; registryEngine: Registry; notifier: Notifier; publisher: MqttPublisher; clock: Clock; timer: Timer; telemetry: Telemetry; partitions?: Pick<DetectPartitions, 'owns' | 'fleetOut'> | undefined }): Promise<{ detect: Detect; close: () => Promise<void> }> {
  const history = await detectMetricHistory(input.events);
  const journal = new SqliteExportJournal(join(input.layout.root, 'detect-journal.sqlite'));
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
    disconnects: connectionHistoryRepository(input.registry),
    partitioned: input.partitions === undefined ? undefined : { owns: input.partitions.owns, fleetOut: input.partitions.fleetOut },
    journal,
  });
  return {
    detect,
    close: async () => {
      journal.close();
      await history.close();
    },
  };
}

/** The registry as detect sees it: its own group lookups, and membership changes as results. */
export function thingDirectory(registry: Registry): ThingDirectory {
  const { things } = registry;
  return {
    groupsOf: (thingName) => things.effectiveGroupsOf(thingName),
    addThingToGroup: (groupName, thingName) => attemptAsync(() => things.addThingToGroup(groupName, thingName)),
    groupExists: (groupName) => things.groupExists(groupName),
    descendantsOf: (groupName) => things.descendantsOf(groupName),
  };
}
