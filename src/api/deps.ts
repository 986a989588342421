import type { Clock } from '../core/index.js';
import type { AccessKeyStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';

/** What the API needs from the rest of the process; `app` builds it. Engines join as their issues land. */
export interface ApiDeps {
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** Bearer tokens accepted for the whole API (the admin token from secrets/admin-token). */
  readonly adminTokens: readonly string[];
  readonly accessKeys: AccessKeyStore;
  readonly region: string;
  readonly accountId: string;
}
