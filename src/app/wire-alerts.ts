import type { Clock, Timer } from '../core/index.js';
import type { Notifier } from '../model/index.js';
import { AlertEngine, type SiemEngine } from '../siem/index.js';
import { savedSearchRepository, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';

/** Saved searches and alerts over the SIEM's search, stored in the registry database; alert topics go through `notifier`. */
export function wireAlerts(options: { registry: RegistryDb; siem: SiemEngine; notifier: Notifier; clock: Clock; timer: Timer; telemetry: Telemetry; onFired?: (search: string, rows: ReadonlyArray<Readonly<Record<string, string | readonly string[]>>>) => void }): AlertEngine {
  return new AlertEngine({
    store: savedSearchRepository(options.registry),
    search: (request) => options.siem.search(request),
    notifier: options.notifier,
    clock: options.clock,
    timer: options.timer,
    telemetry: options.telemetry.child('alerts'),
    onFired: options.onFired,
  });
}
