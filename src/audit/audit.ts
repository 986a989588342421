import { VigilError, err, ok, type Result } from '../core/index.js';
import type { AuditRegistryActions, Component, MitigationActionReader } from '../model/index.js';
import { AuditEngine, type AuditEngineOptions } from './audit-engine.js';
import { AuditMitigation } from './mitigation/audit-mitigation.js';
import { AuditScheduler } from './scheduler.js';
import { AuditSuppressions } from './suppressions.js';

export interface AuditOptions extends AuditEngineOptions {
  /** Mitigation action definitions (owned by detect's CRUD). */
  readonly mitigationActions: MitigationActionReader;
  /** What mitigation actions change in the registry. */
  readonly registryActions: AuditRegistryActions;
}

/** The audit module's engines, wired together. */
export interface Audit {
  readonly engine: AuditEngine;
  readonly scheduler: AuditScheduler;
  readonly suppressions: AuditSuppressions;
  readonly mitigation: AuditMitigation;
  /** Start order: engine (retention sweep), scheduler. */
  readonly components: readonly Component[];
  /** Deletes the configuration (and, when asked, every scheduled audit). */
  deleteConfiguration(deleteScheduledAudits: boolean): Promise<Result<void>>;
  /** Resolves once no audit or mitigation task is running (tests, shutdown). */
  idle(): Promise<void>;
}

export function createAudit(options: AuditOptions): Audit {
  const telemetry = options.telemetry;
  const engine = new AuditEngine(options);
  const scheduler = new AuditScheduler({
    store: options.store,
    clock: options.clock,
    timer: options.timer,
    telemetry,
    hourUtc: options.config.schedule_hour_utc,
    requireEnabled: (names) => engine.requireEnabled(names),
    startScheduledTask: (name, checks, previous, startTime) => engine.startScheduledTask(name, checks, previous, startTime),
  });
  engine.scheduledChecks = () => scheduler.checksInUse();
  const suppressions = new AuditSuppressions({ store: options.store, clock: options.clock, telemetry, enabledChecks: () => engine.enabledChecks() });
  const mitigation = new AuditMitigation({ store: options.store, actions: options.mitigationActions, registry: options.registryActions, notifier: options.notifier, clock: options.clock, telemetry, accountId: options.accountId });
  return {
    engine,
    scheduler,
    suppressions,
    mitigation,
    components: [engine, scheduler],
    async deleteConfiguration(deleteScheduledAudits) {
      if (deleteScheduledAudits) await scheduler.deleteAll();
      else if ((await scheduler.list()).length > 0) {
        return err(new VigilError('audit.invalid_request', 'scheduled audits exist; delete them first or pass deleteScheduledAudits=true'));
      }
      await engine.deleteConfiguration();
      return ok(undefined);
    },
    async idle() {
      await scheduler.settled();
      await engine.idle();
      await mitigation.idle();
    },
  };
}
