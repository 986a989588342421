import type { Audit } from '../audit/index.js';
import type { Detect } from '../detect/index.js';
import type { EngineEvent, EngineEvents } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';

/** The console's live feed hears detect's recorded violations and audit's finished tasks. */
export function wireEngineEvents(input: { detect: Detect; audit: Audit; telemetry: Telemetry }): EngineEvents {
  return {
    subscribe(listener) {
      // A watcher that throws must not break the engine that told it.
      const tell = (event: EngineEvent): void => {
        try {
          listener(event);
        } catch (error) {
          input.telemetry.emit('component_error', { component: 'live', code: 'api.live_listener_failed', stage: event.kind }, { err: error });
        }
      };
      const stopViolations = input.detect.recorder.onEvent((recorded) => {
        if (recorded.event.eventType === 'in-alarm') tell({ kind: 'violation_started', violation: recorded.violation });
      });
      const stopTasks = input.audit.engine.onTaskFinished((task) => tell({ kind: 'audit_task_finished', task }));
      return () => {
        stopViolations();
        stopTasks();
      };
    },
  };
}
