import { afterEach, describe, expect, it } from 'vitest';
import { FakeTime, unwrap } from '../core/index.js';
import { auditRepository, certificateRepository, migrateRegistry, openSqliteRegistry, policyRepository, type RegistryDb } from '../store/index.js';
import { Telemetry, createLogger } from '../telemetry/index.js';
import { tempDir } from '../../test/support/temp.js';
import { createAudit } from './audit.js';
import { auditConfigSchema } from './config.js';
import { Value } from 'typebox/value';
import { nextRunAfter } from './schedule.js';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

describe('schedule day rules', () => {
  const base = { createdAt: at('2026-01-05T10:00:00Z'), dayOfWeek: undefined, dayOfMonth: undefined };
  it('DAILY runs every day at the configured hour; WEEKLY on its weekday', () => {
    expect(new Date(nextRunAfter({ ...base, frequency: 'DAILY' }, at('2026-01-05T10:00:00Z'), 2)).toISOString()).toBe('2026-01-06T02:00:00.000Z');
    expect(new Date(nextRunAfter({ ...base, frequency: 'WEEKLY', dayOfWeek: 'WED' }, at('2026-01-05T10:00:00Z'), 2)).toISOString()).toBe('2026-01-07T02:00:00.000Z');
  });
  it('BIWEEKLY skips every other week counted from creation', () => {
    const audit = { ...base, frequency: 'BIWEEKLY' as const, dayOfWeek: 'WED' as const };
    const first = nextRunAfter(audit, base.createdAt, 2);
    expect(new Date(first).toISOString()).toBe('2026-01-07T02:00:00.000Z');
    expect(new Date(nextRunAfter(audit, first, 2)).toISOString()).toBe('2026-01-21T02:00:00.000Z');
  });
  it('MONTHLY: days 29–31 fall back to the last day of a shorter month; LAST is the last day', () => {
    expect(new Date(nextRunAfter({ ...base, frequency: 'MONTHLY', dayOfMonth: '31' }, at('2026-02-01T00:00:00Z'), 2)).toISOString()).toBe('2026-02-28T02:00:00.000Z');
    expect(new Date(nextRunAfter({ ...base, frequency: 'MONTHLY', dayOfMonth: 'LAST' }, at('2026-04-01T00:00:00Z'), 2)).toISOString()).toBe('2026-04-30T02:00:00.000Z');
    expect(new Date(nextRunAfter({ ...base, frequency: 'MONTHLY', dayOfMonth: '15' }, at('2026-04-15T03:00:00Z'), 2)).toISOString()).toBe('2026-05-15T02:00:00.000Z');
  });
});

describe('audit scheduler', () => {
  let db: RegistryDb | undefined;
  const dir = tempDir();
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('a WEEKLY audit fires on its weekday on a fake clock, not before, and again a week later', async () => {
    db = openSqliteRegistry(`${dir.path}/scheduler.sqlite`);
    expect((await migrateRegistry(db)).ok).toBe(true);
    const fake = new FakeTime(at('2026-01-05T09:00:00Z')); // a Monday
    const audit = createAudit({
      store: auditRepository(db),
      certificates: certificateRepository(db),
      policies: policyRepository(db),
      clock: fake,
      timer: fake,
      telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })),
      config: Value.Default(auditConfigSchema, {}) as never,
      region: 'local',
      accountId: '000000000000',
      mitigationActions: { getAction: async () => undefined },
      registryActions: {} as never,
    });
    for (const c of audit.components) await c.start();
    unwrap(await audit.engine.updateConfiguration({ checks: { LOGGING_DISABLED_CHECK: { enabled: true } } }));
    unwrap(await audit.scheduler.create('weekly-wed', { frequency: 'WEEKLY', dayOfWeek: 'WED', targetCheckNames: ['LOGGING_DISABLED_CHECK'] }));
    expect(await audit.scheduler.create('bad', { frequency: 'WEEKLY', targetCheckNames: ['LOGGING_DISABLED_CHECK'] })).toMatchObject({ ok: false, error: { code: 'audit.invalid_request' } });
    const tasks = async () => (await audit.engine.listTasks({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 })).items;

    await fake.advance(at('2026-01-07T01:59:00Z') - fake.now()); // Wednesday 01:59
    await audit.idle();
    expect(await tasks()).toEqual([]);
    await fake.advance(2 * 60_000);
    await audit.idle();
    const first = await tasks();
    expect(first.map((t) => [t.taskType, t.scheduledAuditName, new Date(t.taskStartTime).toISOString(), t.taskStatus])).toEqual([['SCHEDULED_AUDIT_TASK', 'weekly-wed', '2026-01-07T02:00:00.000Z', 'COMPLETED']]);
    await fake.advance(6 * DAY);
    await audit.idle();
    expect(await tasks()).toHaveLength(1);
    await fake.advance(DAY);
    await audit.idle();
    expect((await tasks()).map((t) => new Date(t.taskStartTime).toISOString())).toEqual(['2026-01-14T02:00:00.000Z', '2026-01-07T02:00:00.000Z']);
    // A check used by a scheduled audit cannot be disabled.
    expect(await audit.engine.updateConfiguration({ checks: { LOGGING_DISABLED_CHECK: { enabled: false } } })).toMatchObject({ ok: false, error: { code: 'audit.invalid_request' } });
    for (let i = 2; i <= 5; i++) unwrap(await audit.scheduler.create(`daily-${i}`, { frequency: 'DAILY', targetCheckNames: ['LOGGING_DISABLED_CHECK'] }));
    expect(await audit.scheduler.create('sixth', { frequency: 'DAILY', targetCheckNames: ['LOGGING_DISABLED_CHECK'] })).toMatchObject({ ok: false, error: { code: 'audit.limit_exceeded' } });
    for (const c of [...audit.components].reverse()) await c.stop();
  });
});
