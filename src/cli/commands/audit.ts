import type { Command } from 'commander';
import { pages } from '../../core/index.js';
import { auditClient } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

const DAY = 86_400_000;
const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== ''));

/** The resource a suppression names, from `--certificate`, `--ca`, `--client-id`, `--policy NAME[@VERSION]` or `--account`. */
function resourceOf(options: { certificate?: string; ca?: string; clientId?: string; policy?: string; account?: string }): Record<string, unknown> {
  if (options.certificate !== undefined) return { deviceCertificateId: options.certificate };
  if (options.ca !== undefined) return { caCertificateId: options.ca };
  if (options.clientId !== undefined) return { clientId: options.clientId };
  if (options.policy !== undefined) {
    const [policyName, policyVersionId] = options.policy.split('@');
    return { policyVersionIdentifier: { policyName, ...(policyVersionId === undefined ? {} : { policyVersionId }) } };
  }
  if (options.account !== undefined) return { account: options.account };
  throw new UsageError('name the resource: --certificate ID, --ca ID, --client-id ID, --policy NAME[@VERSION] or --account ID');
}

function withResource(command: Command): Command {
  return command.option('--certificate <id>', 'device certificate id').option('--ca <id>', 'CA certificate id').option('--client-id <id>', 'MQTT client id').option('--policy <name[@version]>', 'IoT policy (version)').option('--account <id>', 'account id (LOGGING_DISABLED_CHECK)');
}

/** `vigil audit …`: Device Defender audit on the running server. */
export function registerAudit(program: Command, context: CliContext): void {
  const group = program.command('audit').description('Device Defender audit: configure checks, run audits, list findings, schedule, suppress');

  withServerOptions(group.command('configure'))
    .description('enable/disable checks and set the notification topic')
    .option('--enable <checks>', 'comma-separated checks to enable')
    .option('--disable <checks>', 'comma-separated checks to disable')
    .option('--target <topicArn>', 'notify topic (name or ARN) for audit notifications')
    .option('--json', 'print the resulting configuration as JSON')
    .action(async (options: ServerOptions & { enable?: string; disable?: string; target?: string; json?: boolean }) => {
      const client = auditClient(clientFor(options, context));
      const checks: Record<string, { enabled: boolean }> = {};
      for (const c of list(options.enable) ?? []) checks[c] = { enabled: true };
      for (const c of list(options.disable) ?? []) checks[c] = { enabled: false };
      await client.configure({ ...(Object.keys(checks).length === 0 ? {} : { auditCheckConfigurations: checks }), ...(options.target === undefined ? {} : { auditNotificationTargetConfigurations: { SNS: { targetArn: options.target, enabled: true } } }) });
      const configuration = await client.configuration();
      if (options.json === true) printJson(context, configuration);
      else context.io.out(renderTable(['CHECK', 'ENABLED'], Object.entries(configuration.auditCheckConfigurations).map(([name, c]) => [name, c.enabled ? 'yes' : 'no'])));
    });

  withServerOptions(group.command('run'))
    .description('start an on-demand audit (default: every enabled check)')
    .option('--checks <names>', 'comma-separated check names')
    .option('--wait', 'wait for the task to end and print its check results')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { checks?: string; wait?: boolean; json?: boolean }) => {
      const client = auditClient(clientFor(options, context));
      const checks = list(options.checks) ?? Object.entries((await client.configuration()).auditCheckConfigurations).filter(([, c]) => c.enabled).map(([n]) => n);
      const { taskId } = await client.start(checks);
      if (options.wait !== true) {
        if (options.json === true) printJson(context, { taskId });
        else context.io.out(`${taskId}\n`);
        return;
      }
      let task = await client.task(taskId);
      while (task.taskStatus === 'IN_PROGRESS') {
        await new Promise((resolve) => setTimeout(resolve, 200));
        task = await client.task(taskId);
      }
      if (options.json === true) printJson(context, { taskId, ...task });
      else context.io.out(`task ${taskId} ${task.taskStatus}\n${renderTable(['CHECK', 'STATUS', 'NON-COMPLIANT', 'TOTAL', 'MESSAGE'], Object.entries(task.auditDetails).map(([n, d]) => [n, d.checkRunStatus, d.nonCompliantResourcesCount ?? 0, d.totalResourcesCount ?? 0, d.message ?? '']))}`);
    });

  withServerOptions(group.command('findings'))
    .description('list findings of one task, or of the last --days days')
    .option('--task <id>', 'audit task id')
    .option('--check <name>', 'only this check')
    .option('--days <n>', 'look-back without --task', '7')
    .option('--suppressed <yes|no>', 'only suppressed (yes) or unsuppressed (no) findings')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { task?: string; check?: string; days: string; suppressed?: string; json?: boolean }) => {
      const client = auditClient(clientFor(options, context));
      const now = Date.now();
      const base: Record<string, unknown> = options.task !== undefined ? { taskId: options.task } : { startTime: (now - Number(options.days) * DAY) / 1000, endTime: now / 1000 };
      if (options.check !== undefined) base['checkName'] = options.check;
      if (options.suppressed !== undefined) base['listSuppressedFindings'] = options.suppressed === 'yes';
      const findings = await pages(async (nextToken) => {
        const page = await client.findings({ ...base, maxResults: 250, ...(nextToken === undefined ? {} : { nextToken }) });
        return { items: page.findings, next: page.nextToken };
      });
      if (options.json === true) printJson(context, { findings });
      else context.io.out(renderTable(['CHECK', 'SEVERITY', 'REASON', 'RESOURCE', 'SUPPRESSED', 'FINDING ID'], findings.map((f) => [f.checkName, f.severity, f.reasonForNonComplianceCode, JSON.stringify(f.nonCompliantResource.resourceIdentifier), f.isSuppressed ? 'yes' : 'no', f.findingId])));
    });

  const schedule = group.command('schedule').description('scheduled audits (at most 5)');
  withServerOptions(schedule.command('create <name>'))
    .description('create a scheduled audit')
    .requiredOption('--frequency <f>', 'DAILY, WEEKLY, BIWEEKLY or MONTHLY')
    .option('--day-of-week <day>', 'SUN..SAT (WEEKLY, BIWEEKLY)')
    .option('--day-of-month <day>', '1..31 or LAST (MONTHLY)')
    .requiredOption('--checks <names>', 'comma-separated check names')
    .action(async (name: string, options: ServerOptions & { frequency: string; dayOfWeek?: string; dayOfMonth?: string; checks: string }) => {
      const created = await auditClient(clientFor(options, context)).createSchedule(name, { frequency: options.frequency, dayOfWeek: options.dayOfWeek, dayOfMonth: options.dayOfMonth, targetCheckNames: list(options.checks) });
      context.io.out(`${created.scheduledAuditArn}\n`);
    });
  withServerOptions(schedule.command('list'))
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { scheduledAudits } = await auditClient(clientFor(options, context)).schedules();
      if (options.json === true) printJson(context, { scheduledAudits });
      else context.io.out(renderTable(['NAME', 'FREQUENCY', 'DAY'], scheduledAudits.map((a) => [a.scheduledAuditName, a.frequency, a.dayOfWeek ?? a.dayOfMonth ?? ''])));
    });
  withServerOptions(schedule.command('delete <name>')).action(async (name: string, options: ServerOptions) => {
    await auditClient(clientFor(options, context)).deleteSchedule(name);
    context.io.out(`deleted ${name}\n`);
  });

  withServerOptions(withResource(group.command('suppress <check>')))
    .description('suppress findings of a check for one resource')
    .option('--until <date>', 'expiry (ISO date); default: 1 week')
    .option('--indefinitely', 'never expire')
    .option('--description <text>', 'why')
    .action(async (check: string, options: ServerOptions & { until?: string; indefinitely?: boolean; description?: string; certificate?: string; ca?: string; clientId?: string; policy?: string; account?: string }) => {
      const expiration = options.until === undefined ? Date.now() + 7 * DAY : Date.parse(options.until);
      if (Number.isNaN(expiration)) throw new UsageError('--until must be a date (ISO 8601)');
      await auditClient(clientFor(options, context)).suppress({ checkName: check, resourceIdentifier: resourceOf(options), ...(options.indefinitely === true ? { suppressIndefinitely: true } : { expirationDate: expiration / 1000 }), ...(options.description === undefined ? {} : { description: options.description }), clientRequestToken: `cli-${Date.now()}` });
      context.io.out(`suppressed ${check}\n`);
    });
  withServerOptions(withResource(group.command('unsuppress <check>'))).action(async (check: string, options: ServerOptions & { certificate?: string; ca?: string; clientId?: string; policy?: string; account?: string }) => {
    await auditClient(clientFor(options, context)).unsuppress({ checkName: check, resourceIdentifier: resourceOf(options) });
    context.io.out(`deleted suppression of ${check}\n`);
  });
  withServerOptions(group.command('suppressions'))
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { suppressions } = await auditClient(clientFor(options, context)).suppressions();
      if (options.json === true) printJson(context, { suppressions });
      else context.io.out(renderTable(['CHECK', 'RESOURCE', 'EXPIRES', 'DESCRIPTION'], suppressions.map((s) => [s.checkName, JSON.stringify(s.resourceIdentifier), s.suppressIndefinitely ? 'never' : new Date((s.expirationDate ?? 0) * 1000).toISOString(), s.description ?? ''])));
    });
}
