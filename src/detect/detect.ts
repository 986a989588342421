import { pages, type Clock, type Timer } from '../core/index.js';
import type { Component, ConnectionHistoryStore, MetricHistory, MlModelStore, MlTrainingSource, MitigationStore, MqttPublisher, Notifier, ProfileStore, RegistryEvents, ThingDirectory, ViolationStore } from '../model/index.js';
import { arns, type Arns } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { DetectConfig } from './config.js';
import { DetectEngine, type DetectEngineOptions } from './engine.js';
import type { MlConfig } from './ml/config.js';
import { MlDetect } from './ml/trainer.js';
import { mitigationService, type MitigationService } from './mitigation.js';
import { profilesService, type ProfilesService } from './profiles.js';
import { ViolationRecorder } from './recorder.js';
import { violationsService, type ViolationsService } from './violations.js';

export interface DetectOptions {
  readonly stores: { readonly profiles: ProfileStore; readonly violations: ViolationStore; readonly mitigation: MitigationStore; readonly history?: MetricHistory | undefined };
  readonly directory: ThingDirectory;
  readonly registryEvents?: RegistryEvents | undefined;
  readonly notifier?: Notifier | undefined;
  readonly publisher?: MqttPublisher | undefined;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly config: DetectConfig;
  readonly region: string;
  readonly accountId: string;
  /** ML Detect (models of behaviors with mlDetectionConfig); absent = ML behaviors never alarm. */
  readonly ml?: { readonly store: MlModelStore; readonly source: MlTrainingSource; readonly config: MlConfig } | undefined;
  /** Connection history: things offline at start keep their disconnect-duration series. */
  readonly disconnects?: Pick<ConnectionHistoryStore, 'lastDisconnects'> | undefined;
  /** Cluster mode: which things this node owns, and where its fleet values go (docs/cluster.md). */
  readonly partitioned?: Pick<DetectEngineOptions, 'owns' | 'fleetOut'> | undefined;
  /** Makes each accepted report's exported metrics durable before it is answered (docs/detect.md). */
  readonly journal?: DetectEngineOptions['journal'];
}

/** Detect as the rest of the process sees it: the engine (datapoint sink) and the control-plane services. */
export interface Detect extends Component {
  readonly engine: DetectEngine;
  readonly recorder: ViolationRecorder;
  readonly profiles: ProfilesService;
  readonly violations: ViolationsService;
  readonly mitigation: MitigationService;
  /** ARNs in the configured region and account. */
  readonly arns: Arns;
  readonly ml: MlDetect | undefined;
  /** Calls `listener` after profiles, targets, custom metrics or dimensions changed through this node. */
  onDefinitionChanged(listener: (name: string) => void): () => void;
  /** Re-reads them after they changed on another cluster node. */
  resync(): Promise<void>;
  /** Resolves once queued evaluation, writes and mitigation tasks have finished (tests). */
  idle(): Promise<void>;
}

export function createDetect(options: DetectOptions): Detect {
  const arnsHere = arns(options.region, options.accountId);
  const telemetry = options.telemetry;
  const recorder = new ViolationRecorder(options.stores.violations, options.notifier, telemetry);
  const history = options.stores.history;
  const ml = options.ml === undefined ? undefined : new MlDetect({ ...options.ml, profiles: options.stores.profiles, clock: options.clock, timer: options.timer, telemetry });
  const engine = new DetectEngine({
    profiles: options.stores.profiles,
    violations: options.stores.violations,
    directory: options.directory,
    registryEvents: options.registryEvents,
    recorder,
    publisher: options.publisher,
    retain: history === undefined ? undefined : (data) => history.append(data),
    expireRetained: history === undefined ? undefined : (before) => history.expire(before),
    recent: history === undefined ? undefined : (from, to) => pages((cursor) => history.range({ from, to, limit: 10_000, cursor })),
    clock: options.clock,
    timer: options.timer,
    telemetry,
    config: options.config,
    ml,
    disconnects: options.disconnects,
    owns: options.partitioned?.owns,
    fleetOut: options.partitioned?.fleetOut,
    journal: options.journal,
  });
  let started = false;
  const reload = async (): Promise<void> => {
    if (!started) return;
    await engine.reload();
    await ml?.sync();
  };
  const changeListeners = new Set<(name: string) => void>();
  const profiles = profilesService({ store: options.stores.profiles, directory: options.directory, clock: options.clock, telemetry, arns: arnsHere, changed: async () => {
      await reload();
      for (const listener of [...changeListeners]) listener('profiles');
    } });
  const violations = violationsService({ store: options.stores.violations, history, flush: () => engine.flush() });
  const mitigation = mitigationService({ store: options.stores.mitigation, violations: options.stores.violations, directory: options.directory, clock: options.clock, telemetry, arns: arnsHere });
  return {
    name: 'detect',
    engine,
    recorder,
    profiles,
    violations,
    mitigation,
    arns: arnsHere,
    ml,
    // Security profiles, targets, custom metrics and dimensions changed through this node (a cluster
    // relays it), and re-read after they changed on another node.
    onDefinitionChanged(listener) {
      changeListeners.add(listener);
      return () => void changeListeners.delete(listener);
    },
    resync: reload,
    async start() {
      await engine.start();
      await ml?.start();
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      await mitigation.idle();
      await ml?.stop();
      await engine.stop();
    },
    async idle() {
      await mitigation.idle();
      await engine.idle();
    },
  };
}
