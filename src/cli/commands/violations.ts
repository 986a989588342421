import type { Command } from 'commander';
import { pages } from '../../core/index.js';
import { detectClient, type ActiveViolation, type ViolationEvent, type ViolationView } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable } from '../output.js';

interface FilterOptions extends ServerOptions {
  thing?: string;
  profile?: string;
  json?: boolean;
}

function filters(command: Command): Command {
  return withServerOptions(command).option('--thing <name>', 'only this thing').option('--profile <name>', 'only this security profile').option('--json', 'JSON output');
}

function query(options: FilterOptions): Record<string, string> {
  return { ...(options.thing === undefined ? {} : { thingName: options.thing }), ...(options.profile === undefined ? {} : { securityProfileName: options.profile }) };
}

const when = (seconds: number | undefined) => (seconds === undefined ? '' : new Date(seconds * 1000).toISOString());
const valueOf = (v: ViolationView) => JSON.stringify(('lastViolationValue' in v ? v.lastViolationValue : 'metricValue' in v ? v.metricValue : undefined) ?? {});

export function registerViolations(program: Command, context: CliContext): void {
  const group = program.command('violations').description('Device Defender Detect violations');

  filters(group.command('list'))
    .description('active violations')
    .action(async (options: FilterOptions) => {
      const client = detectClient(clientFor(options, context));
      const all: ActiveViolation[] = await pages(async (token) => {
        const page = await client.listActive({ ...query(options), ...(token === undefined ? {} : { nextToken: token }) });
        return { items: page.activeViolations, next: page.nextToken };
      });
      if (options.json === true) printJson(context, { activeViolations: all });
      else context.io.out(renderTable(['VIOLATION', 'THING', 'PROFILE', 'BEHAVIOR', 'VALUE', 'SINCE', 'VERIFICATION'], all.map((v) => [v.violationId, v.thingName, v.securityProfileName, v.behavior.name, valueOf(v), when(v.violationStartTime), v.verificationState ?? ''])));
    });

  filters(group.command('events'))
    .description('violation events (in-alarm, alarm-cleared, alarm-invalidated) of a time window')
    .option('--since <duration>', 'window start, as hours back', '24')
    .action(async (options: FilterOptions & { since: string }) => {
      const client = detectClient(clientFor(options, context));
      const end = Date.now() / 1000;
      const start = end - Number(options.since) * 3600;
      const all: ViolationEvent[] = await pages(async (token) => {
        const page = await client.listEvents({ ...query(options), startTime: String(start), endTime: String(end + 1), ...(token === undefined ? {} : { nextToken: token }) });
        return { items: page.violationEvents, next: page.nextToken };
      });
      if (options.json === true) printJson(context, { violationEvents: all });
      else context.io.out(renderTable(['TIME', 'EVENT', 'THING', 'PROFILE', 'BEHAVIOR', 'VALUE', 'VIOLATION'], all.map((v) => [when(v.violationEventTime), v.violationEventType ?? '', v.thingName, v.securityProfileName, v.behavior.name, valueOf(v), v.violationId])));
    });
}
