import { VigilError, err, ok, type Result } from '../../core/index.js';

/** A parsed five-field cron expression: the allowed values of each field, evaluated in UTC. */
export interface CronSchedule {
  readonly source: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday (7 is accepted and folded to 0). */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Vixie cron: when both day fields are restricted, a day matches if either does. */
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const HINT = 'five fields "minute hour day-of-month month day-of-week", e.g. "*/5 * * * *"; each field is *, a value, a range a-b, a step */n or a-b/n, or a comma list; months jan-dec and days sun-sat may be named';

/** Parses `* /5 * * * *`-style cron (ranges, lists, steps, month and day names, @hourly/@daily/… macros). */
export function parseCron(expression: string): Result<CronSchedule> {
  const source = expression.trim();
  const expanded = MACROS[source.toLowerCase()] ?? source;
  const parts = expanded.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) return err(new VigilError('alert.invalid_cron', `cron "${expression}" has ${parts.length} field${parts.length === 1 ? '' : 's'}, expected 5`, { hint: HINT }));
  const sets: Array<Set<number>> = [];
  for (let i = 0; i < 5; i++) {
    const spec = FIELDS[i] as FieldSpec;
    const parsed = parseField(parts[i] as string, spec);
    if (!parsed.ok) return err(new VigilError('alert.invalid_cron', `cron "${expression}": ${spec.name} field "${parts[i]}": ${parsed.error}`, { hint: HINT }));
    sets.push(parsed.value);
  }
  const dow = sets[4] as Set<number>;
  if (dow.delete(7)) dow.add(0);
  return ok({
    source,
    minutes: sets[0] as Set<number>,
    hours: sets[1] as Set<number>,
    daysOfMonth: sets[2] as Set<number>,
    months: sets[3] as Set<number>,
    daysOfWeek: dow,
    domRestricted: !(parts[2] as string).startsWith('*'),
    dowRestricted: !(parts[4] as string).startsWith('*'),
  });
}

function parseField(text: string, spec: FieldSpec): Result<Set<number>, string> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') return err('empty list item');
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) return err(`"${item}" has more than one /`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return err(`step "${stepText}" must be a whole number >= 1`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = spec.min;
      hi = spec.name === 'day of week' ? 6 : spec.max;
    } else {
      const [a, b, more] = (range ?? '').split('-');
      if (more !== undefined) return err(`"${range}" is not a range a-b`);
      const first = value(a ?? '', spec);
      if (!first.ok) return first;
      lo = first.value;
      if (b === undefined) hi = stepText === undefined ? lo : spec.name === 'day of week' ? 6 : spec.max;
      else {
        const second = value(b, spec);
        if (!second.ok) return second;
        hi = second.value;
        if (hi < lo) return err(`range ${range} goes backwards`);
      }
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return ok(values);
}

function value(text: string, spec: FieldSpec): Result<number, string> {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return ok(named + (spec.name === 'month' ? 1 : 0));
  if (!/^\d+$/.test(text)) return err(`"${text}" is not a number${spec.names === undefined ? '' : ` or a name (${spec.names[0]}-${spec.names[spec.names.length - 1]})`}`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) return err(`${n} is outside ${spec.min}-${spec.max}`);
  return ok(n);
}

/** Whether the UTC minute starting at `ms` matches the schedule. */
export function cronMatches(schedule: CronSchedule, ms: number): boolean {
  const d = new Date(ms);
  return schedule.minutes.has(d.getUTCMinutes()) && schedule.hours.has(d.getUTCHours()) && schedule.months.has(d.getUTCMonth() + 1) && dayMatches(schedule, d);
}

function dayMatches(schedule: CronSchedule, d: Date): boolean {
  const dom = schedule.daysOfMonth.has(d.getUTCDate());
  const dow = schedule.daysOfWeek.has(d.getUTCDay());
  if (schedule.domRestricted && schedule.dowRestricted) return dom || dow;
  return dom && dow;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The first matching minute strictly after `after` (epoch ms, UTC); undefined if none within 5 years (e.g. 30 February). */
export function nextCronTime(schedule: CronSchedule, after: number): number | undefined {
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  const limit = after + 5 * 366 * DAY;
  while (t <= limit) {
    const d = new Date(t);
    if (!schedule.months.has(d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      continue;
    }
    if (!dayMatches(schedule, d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!schedule.hours.has(d.getUTCHours())) {
      t = Math.floor(t / HOUR) * HOUR + HOUR;
      continue;
    }
    if (!schedule.minutes.has(d.getUTCMinutes())) {
      t += MINUTE;
      continue;
    }
    return t;
  }
  return undefined;
}
