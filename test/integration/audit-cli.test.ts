import { describe, expect, it } from 'vitest';
import { cliTestServer } from '../support/cli.js';

// Logging off (log.level: silent) so LOGGING_DISABLED_CHECK has a finding to work with.
const { cli: vigilCli } = cliTestServer('vigil-audit-cli-', { log: { level: 'silent' } });

describe('vigil audit / vigil mitigation', () => {
  it('configures, runs an audit with --wait, lists findings, schedules, suppresses and starts a mitigation task', async () => {
    expect((await vigilCli('audit', 'configure', '--enable', 'LOGGING_DISABLED_CHECK,CA_CERTIFICATE_EXPIRING_CHECK')).code).toBe(0);
    const ran = await vigilCli('audit', 'run', '--checks', 'LOGGING_DISABLED_CHECK,CA_CERTIFICATE_EXPIRING_CHECK', '--wait', '--json');
    expect(ran.err).toBe('');
    const task = JSON.parse(ran.out) as { taskId: string; taskStatus: string; auditDetails: Record<string, { checkRunStatus: string }> };
    expect(task.taskStatus).toBe('COMPLETED');
    expect(task.auditDetails['LOGGING_DISABLED_CHECK']?.checkRunStatus).toBe('COMPLETED_NON_COMPLIANT');
    expect(task.auditDetails['CA_CERTIFICATE_EXPIRING_CHECK']?.checkRunStatus).toBe('COMPLETED_COMPLIANT');

    const findings = await vigilCli('audit', 'findings', '--task', task.taskId);
    expect(findings.out).toMatch(/LOGGING_DISABLED_CHECK\s+LOW\s+LOGGING_DISABLED/);

    expect((await vigilCli('audit', 'schedule', 'create', 'nightly', '--frequency', 'DAILY', '--checks', 'LOGGING_DISABLED_CHECK')).out).toMatch(/scheduledaudit\/nightly/);
    expect((await vigilCli('audit', 'schedule', 'list')).out).toMatch(/nightly\s+DAILY/);
    expect((await vigilCli('audit', 'schedule', 'delete', 'nightly')).code).toBe(0);
    const bad = await vigilCli('audit', 'schedule', 'create', 'weekly', '--frequency', 'WEEKLY', '--checks', 'LOGGING_DISABLED_CHECK');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/dayOfWeek/);

    expect((await vigilCli('audit', 'suppress', 'LOGGING_DISABLED_CHECK', '--account', '000000000000', '--indefinitely', '--description', 'lab')).code).toBe(0);
    expect((await vigilCli('audit', 'suppressions')).out).toMatch(/LOGGING_DISABLED_CHECK.*never\s+lab/);
    const second = JSON.parse((await vigilCli('audit', 'run', '--checks', 'LOGGING_DISABLED_CHECK', '--wait', '--json')).out) as { taskId: string; auditDetails: Record<string, { checkRunStatus: string }> };
    expect(second.auditDetails['LOGGING_DISABLED_CHECK']?.checkRunStatus).toBe('COMPLETED_COMPLIANT');
    expect((await vigilCli('audit', 'findings', '--task', second.taskId, '--suppressed', 'yes')).out).toMatch(/LOGGING_DISABLED\s+\{"account":"000000000000"\}\s+yes/);

    const missing = await vigilCli('mitigation', 'start', 'fix', '--audit-task', task.taskId, '--map', 'LOGGING_DISABLED_CHECK=no-such-action');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/no-such-action/);
    expect((await vigilCli('mitigation', 'list')).code).toBe(0);
  });
});
