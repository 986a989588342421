import type { Clock } from '../core/index.js';
import type { Audit } from '../audit/index.js';
import type { AccessKeyStore, DashboardStore, EngineEvents } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { SessionStore } from './session.js';
import type { NotifyEngine } from '../notify/index.js';
import type { RulesEngine } from '../rules/index.js';
import type { Registry } from '../registry/index.js';
import type { AlertEngine, SiemEngine } from '../siem/index.js';
import type { StreamService } from '../stream/index.js';
import type { Detect } from '../detect/index.js';

/** What the API needs from the rest of the process; `app` builds it. Engines join as their issues land. */
export interface ApiDeps {
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** Bearer tokens accepted for the whole API (the admin token from secrets/admin-token). */
  readonly adminTokens: readonly string[];
  readonly accessKeys: AccessKeyStore;
  /** Console sessions (cookie + CSRF); when absent the server keeps its own in memory. */
  readonly sessions?: SessionStore;
  /** Console dashboards (`/api/v1/dashboards`); absent in API-only tests. */
  readonly dashboards?: DashboardStore;
  readonly region: string;
  readonly accountId: string;
  /** Things, groups, certificates, CAs, policies (AWS IoT registry routes); absent in API-only tests. */
  readonly registry?: Registry;
  /** The embedded SIEM (search, HEC tokens, indexes); absent in API-only tests. */
  readonly siem?: SiemEngine;
  /** SIEM saved searches and alerts (`/api/v1/saved-searches`); absent in API-only tests. */
  readonly alerts?: AlertEngine;
  /** Notify topics (`/api/v1/topics`); absent in API-only tests. */
  readonly notify?: NotifyEngine;
  /** Topic rules (AWS `/rules` routes); absent in API-only tests. */
  readonly rules?: RulesEngine;
  /** Delivery streams (Firehose API, `/api/v1/streams`); absent in API-only tests. */
  readonly streams?: StreamService;
  /** Device Defender Detect (security profiles, violations, metric values, mitigation); absent in API-only tests. */
  readonly detect?: Detect;
  /** Device Defender audit (AWS `/audit/*` routes); absent in API-only tests. */
  readonly audit?: Audit;
  /** Engine events for the console's live feed; absent in API-only tests. */
  readonly live?: EngineEvents;
}
