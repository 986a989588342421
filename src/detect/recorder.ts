import type { Behavior, MetricValue, Notifier, Violation, ViolationEvent, ViolationEventType, ViolationStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';

/** A violation event as it leaves the engine: the violation after the event, and the event. */
export interface RecordedEvent {
  readonly violation: Violation;
  readonly event: ViolationEvent;
  readonly alertTarget: string | undefined;
}

/** §3.6 alert message (epoch ms) plus `verificationState` and `violationEventAdditionalInfo`. */
export function alertMessage(violation: Violation, event: ViolationEvent): Record<string, unknown> {
  const message: Record<string, unknown> = {
    violationEventTime: event.time,
    thingName: event.thingName,
    behavior: event.behavior,
    violationEventType: event.eventType,
    violationId: event.violationId,
    securityProfileName: event.profileName,
    verificationState: violation.verificationState ?? 'UNKNOWN',
  };
  if (event.metricValue !== undefined) message['metricValue'] = event.metricValue;
  const confidence = event.behavior.criteria?.mlDetectionConfig?.confidenceLevel;
  if (confidence !== undefined) message['violationEventAdditionalInfo'] = { confidenceLevel: confidence };
  return message;
}

/**
 * Persists violation events in order and publishes alerts of non-suppressed behaviors to the
 * profile's alert target. Writes are chained, so `idle()` means "everything so far is stored".
 */
export class ViolationRecorder {
  private chain: Promise<void> = Promise.resolve();
  private readonly listeners: Array<(recorded: RecordedEvent) => void> = [];

  constructor(private readonly store: ViolationStore, private readonly notifier: Notifier | undefined, private readonly telemetry: Telemetry) {}

  /** Calls `listener` after each event is stored (tests and the behavior runner). */
  onEvent(listener: (recorded: RecordedEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  record(recorded: RecordedEvent): void {
    this.enqueue(async () => {
      await this.store.record(recorded.violation, recorded.event);
      this.telemetry.emit('detect_violation_event', { type: recorded.event.eventType }, { thingName: recorded.event.thingName, profile: recorded.event.profileName, behavior: recorded.event.behavior.name, violationId: recorded.event.violationId });
      for (const listener of this.listeners) listener(recorded);
      if (recorded.event.suppressed || recorded.alertTarget === undefined || this.notifier === undefined) return;
      const current = recorded.event.eventType === 'in-alarm' ? recorded.violation : ((await this.store.getViolation(recorded.violation.violationId)) ?? recorded.violation);
      const published = await this.notifier.publish(recorded.alertTarget, JSON.stringify(alertMessage(current, recorded.event)));
      if (!published.ok) this.telemetry.emit('detect_alert_failed', { reason: published.error.code }, { target: recorded.alertTarget, message: published.error.message });
    });
  }

  /** Stores a violation's changed last value (no event). */
  update(violation: Violation): void {
    this.enqueue(() => this.store.record(violation, undefined));
  }

  enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((error: unknown) => {
      this.telemetry.emit('component_error', { component: 'detect', code: 'detect.store_failed', stage: 'record' }, { err: error instanceof Error ? error.message : String(error) });
    });
  }

  idle(): Promise<void> {
    return this.chain;
  }
}

export function newEvent(violation: Violation, behavior: Behavior, type: ViolationEventType, value: MetricValue | undefined, time: number): ViolationEvent {
  return { violationId: violation.violationId, thingName: violation.thingName, profileName: violation.profileName, behavior, criteriaType: violation.criteriaType, suppressed: violation.suppressed, eventType: type, metricValue: value, time };
}
