import { DueTimer, VigilError, err, ok, present, type Clock, type Result, type Timer } from '../core/index.js';
import type { AuditFrequency, AuditStore, Component, DayOfWeek, ScheduledAudit, Tag } from '../model/index.js';
import { ACTION_NAME } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { DAYS_OF_WEEK, nextRunAfter } from './schedule.js';

export const MAX_SCHEDULED_AUDITS = 5;
const FREQUENCIES: readonly AuditFrequency[] = ['DAILY', 'WEEKLY', 'BIWEEKLY', 'MONTHLY'];
/** Timers are re-armed at least this often (a month does not fit a 32-bit timeout). */
const MAX_WAIT_MS = 6 * 3_600_000;

export interface ScheduleInput {
  readonly frequency?: string | undefined;
  readonly dayOfWeek?: string | undefined;
  readonly dayOfMonth?: string | undefined;
  readonly targetCheckNames?: readonly string[] | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

export interface SchedulerDeps {
  readonly store: AuditStore;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly hourUtc: number;
  requireEnabled(checkNames: readonly string[]): Promise<Result<void>>;
  startScheduledTask(name: string, checkNames: readonly string[], previousRun: number | undefined, startTime: number): Promise<string>;
}

/** Scheduled audits (at most 5): CRUD, and a timer that starts each one's task on its days. */
export class AuditScheduler implements Component {
  readonly name = 'audit-scheduler';
  private readonly timer: DueTimer;
  private due = new Map<string, number>();
  private audits: ScheduledAudit[] = [];
  private started = false;
  private firing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SchedulerDeps) {
    this.timer = new DueTimer(deps.timer, MAX_WAIT_MS, () => this.fire());
  }

  async start(): Promise<void> {
    this.started = true;
    await this.arm();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.timer.cancel();
    await this.firing;
  }

  async create(name: string, input: ScheduleInput): Promise<Result<ScheduledAudit>> {
    if (!ACTION_NAME.pattern.test(name)) return err(new VigilError('audit.invalid_name', `"${name}" is not a valid scheduled audit name`, { hint: ACTION_NAME.rule }));
    const existing = await this.deps.store.listScheduled();
    if (existing.some((a) => a.name === name)) return err(new VigilError('audit.already_exists', `scheduled audit ${name} already exists`));
    if (existing.length >= MAX_SCHEDULED_AUDITS) return err(new VigilError('audit.limit_exceeded', `at most ${MAX_SCHEDULED_AUDITS} scheduled audits`));
    const audit = await this.validate({ name, frequency: 'DAILY', dayOfWeek: undefined, dayOfMonth: undefined, targetCheckNames: [], tags: [], createdAt: this.deps.clock.now(), lastRunAt: undefined }, input, true);
    if (!audit.ok) return audit;
    if (!(await this.deps.store.createScheduled(audit.value))) return err(new VigilError('audit.already_exists', `scheduled audit ${name} already exists`));
    this.deps.telemetry.emit('audit_schedule_changed', { action: 'create' }, { name });
    await this.arm();
    return audit;
  }

  async describe(name: string): Promise<Result<ScheduledAudit>> {
    return present(await this.deps.store.getScheduled(name), () => new VigilError('audit.not_found', `scheduled audit ${name} does not exist`));
  }

  async update(name: string, input: ScheduleInput): Promise<Result<ScheduledAudit>> {
    const current = await this.describe(name);
    if (!current.ok) return current;
    const audit = await this.validate(current.value, input, false);
    if (!audit.ok) return audit;
    await this.deps.store.updateScheduled(audit.value);
    this.deps.telemetry.emit('audit_schedule_changed', { action: 'update' }, { name });
    await this.arm();
    return audit;
  }

  async delete(name: string): Promise<Result<void>> {
    if (!(await this.deps.store.deleteScheduled(name))) return err(new VigilError('audit.not_found', `scheduled audit ${name} does not exist`));
    this.deps.telemetry.emit('audit_schedule_changed', { action: 'delete' }, { name });
    await this.arm();
    return ok(undefined);
  }

  async deleteAll(): Promise<void> {
    // A scheduled audit another request deleted meanwhile is gone either way.
    for (const audit of await this.deps.store.listScheduled()) await this.delete(audit.name);
  }

  list(): Promise<ScheduledAudit[]> {
    return this.deps.store.listScheduled();
  }

  async checksInUse(): Promise<Set<string>> {
    return new Set((await this.deps.store.listScheduled()).flatMap((a) => a.targetCheckNames));
  }

  /** Resolves once a firing in progress has started its tasks. */
  settled(): Promise<void> {
    return this.firing;
  }

  /** When each scheduled audit runs next (epoch ms). */
  nextRuns(): ReadonlyMap<string, number> {
    return this.due;
  }

  private async validate(base: ScheduledAudit, input: ScheduleInput, creating: boolean): Promise<Result<ScheduledAudit>> {
    const frequency = (input.frequency ?? base.frequency) as AuditFrequency;
    if (creating && input.frequency === undefined) return err(new VigilError('audit.invalid_request', 'frequency is required (DAILY, WEEKLY, BIWEEKLY, MONTHLY)'));
    if (!FREQUENCIES.includes(frequency)) return err(new VigilError('audit.invalid_request', `frequency must be one of ${FREQUENCIES.join(', ')}`));
    const weekly = frequency === 'WEEKLY' || frequency === 'BIWEEKLY';
    const dayOfWeek = weekly ? ((input.dayOfWeek ?? base.dayOfWeek) as DayOfWeek | undefined) : undefined;
    const dayOfMonth = frequency === 'MONTHLY' ? (input.dayOfMonth ?? base.dayOfMonth) : undefined;
    if (weekly && (dayOfWeek === undefined || !DAYS_OF_WEEK.includes(dayOfWeek))) return err(new VigilError('audit.invalid_request', `${frequency} audits need dayOfWeek (${DAYS_OF_WEEK.join(', ')})`));
    if (frequency === 'MONTHLY' && (dayOfMonth === undefined || !(dayOfMonth === 'LAST' || /^([1-9]|[12][0-9]|3[01])$/.test(dayOfMonth)))) return err(new VigilError('audit.invalid_request', 'MONTHLY audits need dayOfMonth "1".."31" or "LAST"'));
    if (!weekly && input.dayOfWeek !== undefined) return err(new VigilError('audit.invalid_request', 'dayOfWeek applies to WEEKLY and BIWEEKLY audits only'));
    if (frequency !== 'MONTHLY' && input.dayOfMonth !== undefined) return err(new VigilError('audit.invalid_request', 'dayOfMonth applies to MONTHLY audits only'));
    const targetCheckNames = input.targetCheckNames ?? base.targetCheckNames;
    const enabled = await this.deps.requireEnabled(targetCheckNames);
    if (!enabled.ok) return enabled;
    return ok({ ...base, frequency, dayOfWeek, dayOfMonth, targetCheckNames: [...targetCheckNames], tags: input.tags ?? base.tags });
  }

  private async arm(): Promise<void> {
    this.audits = await this.deps.store.listScheduled();
    this.armNow();
  }

  // Synchronous from the cached list, so a fake clock that jumps days fires every run in order.
  private armNow(): void {
    this.timer.cancel();
    if (!this.started) return;
    const now = this.deps.clock.now();
    this.due = new Map(this.audits.map((a) => [a.name, nextRunAfter(a, now, this.deps.hourUtc)]));
    this.timer.arm(this.due.values(), now);
  }

  private fire(): void {
    const now = this.deps.clock.now();
    const runs: Array<{ audit: ScheduledAudit; at: number }> = [];
    this.audits = this.audits.map((audit) => {
      const at = this.due.get(audit.name);
      if (at === undefined || at > now) return audit;
      runs.push({ audit, at });
      return { ...audit, lastRunAt: at };
    });
    this.armNow();
    if (runs.length === 0) return;
    this.firing = this.firing
      .then(async () => {
        for (const { audit, at } of runs) {
          const stored = await this.deps.store.getScheduled(audit.name);
          if (stored === undefined) continue;
          await this.deps.store.updateScheduled({ ...stored, lastRunAt: at });
          await this.deps.startScheduledTask(audit.name, stored.targetCheckNames, stored.lastRunAt, at);
        }
      })
      .catch((error: unknown) => this.deps.telemetry.emit('component_error', { component: 'audit', code: 'audit.schedule_failed', stage: 'fire' }, { err: error }));
  }
}
