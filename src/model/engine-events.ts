import type { AuditTask } from './audit.js';
import type { Violation } from './detect.js';

/** Something an engine did that a watcher (the console's live feed) wants to hear at once. */
export type EngineEvent =
  /** A violation went in alarm (the violation as it is after that event). */
  | { readonly kind: 'violation_started'; readonly violation: Violation }
  /** An audit task ended: completed, failed or canceled. */
  | { readonly kind: 'audit_task_finished'; readonly task: AuditTask };

/** Engine events as they happen; `app` joins the engines' own listeners into one source. */
export interface EngineEvents {
  /** Returns the unsubscribe. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
}
