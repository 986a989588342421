import type { Clock } from '../core/index.js';
import type { Audit } from '../audit/index.js';
import type { AccessKeyStore, BackupSource, ConnectionHistoryStore, DashboardStore, EngineEvents } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { SessionStore } from './session.js';
import type { NotifyEngine } from '../notify/index.js';
import type { RulesEngine } from '../rules/index.js';
import type { Registry } from '../registry/index.js';
import type { AlertEngine, SiemEngine } from '../siem/index.js';
import type { StreamService } from '../stream/index.js';
import type { Detect } from '../detect/index.js';
import type { ClusterNode, DetectPartitionStatus } from '../cluster/index.js';

/** What `GET /api/v1/cluster` reports: this node alone, or every node of the cluster it hears from. */
export interface ClusterStatusSource {
  status(): { mode: 'single' | 'cluster'; nodeId: string; nodes: readonly ClusterNode[]; detect?: DetectPartitionStatus | undefined };
}
import type { RespondEngine } from '../respond/index.js';

/**
 * What the API needs from the rest of the process; `vigil up` (`app`) builds it with every engine.
 * Each route group declares the slice it uses (`Pick<ApiDeps, …>`), so a test that mounts one group
 * builds just that slice, typed; the full server always has every engine and never guesses.
 */
export interface ApiDeps {
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** Bearer tokens accepted for the whole API (the admin token from secrets/admin-token). */
  readonly adminTokens: readonly string[];
  /** The online backup (`POST /api/v1/backup`); absent in API-only tests. */
  readonly backup?: BackupSource;
  /** Cluster membership (`GET /api/v1/cluster`). */
  readonly cluster: ClusterStatusSource;
  /** Read-only bearer tokens (secrets/metrics-token) accepted for `GET /metrics` and nothing else. */
  readonly metricsTokens?: readonly string[];
  readonly accessKeys: AccessKeyStore;
  /** Console sessions (cookie + CSRF). */
  readonly sessions: SessionStore;
  /** Console dashboards (`/api/v1/dashboards`). */
  readonly dashboards: DashboardStore;
  readonly region: string;
  readonly accountId: string;
  /** Things, groups, certificates, CAs, policies (AWS IoT registry routes). */
  readonly registry: Registry;
  /** The embedded SIEM (search, HEC tokens, indexes). */
  readonly siem: SiemEngine;
  /** SIEM saved searches and alerts (`/api/v1/saved-searches`). */
  readonly alerts: AlertEngine;
  /** Playbooks and their runs (`/api/v1/playbooks`, `/api/v1/playbook-runs`). */
  readonly respond: RespondEngine;
  /** Notify topics (`/api/v1/topics`). */
  readonly notify: NotifyEngine;
  /** Topic rules (AWS `/rules` routes). */
  readonly rules: RulesEngine;
  /** Delivery streams (Firehose API, `/api/v1/streams`). */
  readonly streams: StreamService;
  /** Device Defender Detect (security profiles, violations, metric values, mitigation). */
  readonly detect: Detect;
  /** Device Defender audit (AWS `/audit/*` routes). */
  readonly audit: Audit;
  /** The broker's connection history (the fleet list's connection state and last seen); absent without a broker. */
  readonly connections?: Pick<ConnectionHistoryStore, 'list'> | undefined;
  /** Engine events for the console's live feed. */
  readonly live: EngineEvents;
  /** DescribeEndpoint's answer: the `host[:port]` devices connect to (the app derives it from the MQTT listener). */
  readonly deviceEndpoint?: (() => string | undefined) | undefined;
}
