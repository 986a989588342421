import type { Command } from 'commander';
import { auditClient } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

/** `vigil mitigation …`: audit mitigation tasks (action definitions: the AWS `/mitigationactions/actions` API). */
export function registerMitigation(program: Command, context: CliContext): void {
  const group = program.command('mitigation').description('audit mitigation tasks: apply mitigation actions to audit findings');

  withServerOptions(group.command('start <taskId>'))
    .description('apply actions to the findings of an audit task or to listed findings')
    .option('--audit-task <id>', 'every (unsuppressed) finding of this audit task')
    .option('--findings <ids>', 'comma-separated finding ids (1..25)')
    .requiredOption('--map <check=actions...>', 'CHECK=action1,action2 (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .action(async (taskId: string, options: ServerOptions & { auditTask?: string; findings?: string; map: string[] }) => {
      if ((options.auditTask === undefined) === (options.findings === undefined)) throw new UsageError('give exactly one of --audit-task or --findings');
      const mapping: Record<string, string[]> = {};
      for (const entry of options.map) {
        const [check, actions] = entry.split('=');
        if (check === undefined || actions === undefined) throw new UsageError(`--map ${entry}: expected CHECK=action1,action2`);
        mapping[check] = actions.split(',');
      }
      const target = options.auditTask !== undefined ? { auditTaskId: options.auditTask } : { findingIds: (options.findings ?? '').split(',') };
      const started = await auditClient(clientFor(options, context)).startMitigation(taskId, { target, auditCheckToActionsMapping: mapping, clientRequestToken: taskId });
      context.io.out(`${started.taskId}\n`);
    });

  withServerOptions(group.command('describe <taskId>'))
    .action(async (taskId: string, options: ServerOptions) => printJson(context, await auditClient(clientFor(options, context)).mitigation(taskId)));

  withServerOptions(group.command('list'))
    .option('--days <n>', 'look-back', '7')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { days: string; json?: boolean }) => {
      const now = Date.now();
      const { tasks } = await auditClient(clientFor(options, context)).mitigationTasks(now - Number(options.days) * 86_400_000, now);
      if (options.json === true) printJson(context, { tasks });
      else context.io.out(renderTable(['TASK ID', 'STATUS', 'STARTED'], tasks.map((t) => [t.taskId, t.taskStatus, new Date(t.startTime * 1000).toISOString()])));
    });

  withServerOptions(group.command('cancel <taskId>')).action(async (taskId: string, options: ServerOptions) => {
    await auditClient(clientFor(options, context)).cancelMitigation(taskId);
    context.io.out(`canceled ${taskId}\n`);
  });

  withServerOptions(group.command('executions <taskId> <findingId>'))
    .option('--json', 'JSON output')
    .action(async (taskId: string, findingId: string, options: ServerOptions & { json?: boolean }) => {
      const { actionsExecutions } = await auditClient(clientFor(options, context)).executions(taskId, findingId);
      if (options.json === true) printJson(context, { actionsExecutions });
      else context.io.out(renderTable(['ACTION', 'STATUS', 'ERROR', 'MESSAGE'], actionsExecutions.map((e) => [e.actionName, e.status, e.errorCode ?? '', e.message ?? ''])));
    });
}
