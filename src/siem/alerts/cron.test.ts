import { describe, expect, it } from 'vitest';
import { cronMatches, nextCronTime, parseCron, type CronSchedule } from './cron.js';

function cron(expression: string): CronSchedule {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Every run strictly after `from`, `count` of them, as ISO strings. */
function runs(expression: string, from: string, count: number): Array<string | undefined> {
  const schedule = cron(expression);
  const out: Array<string | undefined> = [];
  let t = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextCronTime(schedule, t);
    out.push(iso(next));
    if (next === undefined) break;
    t = next;
  }
  return out;
}

describe('cron parser', () => {
  it('expands steps, ranges, lists and ranged steps', () => {
    const s = cron('*/15 9-11 1,15 */3 1-5/2');
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([9, 10, 11]);
    expect([...s.daysOfMonth]).toEqual([1, 15]);
    expect([...s.months]).toEqual([1, 4, 7, 10]);
    expect([...s.daysOfWeek]).toEqual([1, 3, 5]);
  });

  it('accepts month and weekday names in any case, and 7 as Sunday', () => {
    const s = cron('0 0 * JAN-mar,Dec sun,7,Fri');
    expect([...s.months]).toEqual([1, 2, 3, 12]);
    expect([...s.daysOfWeek].sort()).toEqual([0, 5]);
  });

  it('expands @hourly and @daily macros', () => {
    expect(runs('@hourly', '2026-01-01T10:30:00Z', 1)).toEqual(['2026-01-01T11:00:00.000Z']);
    expect(runs('@daily', '2026-01-01T10:30:00Z', 1)).toEqual(['2026-01-02T00:00:00.000Z']);
  });

  it.each([
    ['* * * *', /has 4 fields, expected 5/],
    ['60 * * * *', /minute field "60": 60 is outside 0-59/],
    ['* 24 * * *', /hour field "24"/],
    ['* * 0 * *', /day of month field "0": 0 is outside 1-31/],
    ['* * * foo *', /month field "foo": "foo" is not a number or a name \(jan-dec\)/],
    ['*/0 * * * *', /step "0" must be a whole number >= 1/],
    ['5-1 * * * *', /range 5-1 goes backwards/],
    ['1,,2 * * * *', /empty list item/],
  ])('rejects %s, naming the field and the problem', (expression, message) => {
    const parsed = parseCron(expression);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('alert.invalid_cron');
    expect(parsed.error.message).toMatch(message);
    expect(parsed.error.hint).toMatch(/five fields/);
  });
});

describe('next cron time (UTC)', () => {
  it('every five minutes runs on the next multiple of five, strictly after the given time', () => {
    expect(runs('*/5 * * * *', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z']);
    expect(runs('*/5 * * * *', '2026-01-01T00:04:59.999Z', 1)).toEqual(['2026-01-01T00:05:00.000Z']);
  });

  it('crosses hours, days, months and years', () => {
    expect(runs('30 23 31 12 *', '2026-06-01T00:00:00Z', 2)).toEqual(['2026-12-31T23:30:00.000Z', '2027-12-31T23:30:00.000Z']);
    expect(runs('0 9-17/4 * * mon-fri', '2026-01-02T16:00:00Z', 4)).toEqual([
      // 2026-01-02 is a Friday; the weekend is skipped
      '2026-01-02T17:00:00.000Z',
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T13:00:00.000Z',
      '2026-01-05T17:00:00.000Z',
    ]);
  });

  it('matches either day field when both are restricted (Vixie cron), and only the restricted one otherwise', () => {
    // the 13th of each month OR every Friday
    expect(runs('0 0 13 * fri', '2026-02-01T00:00:00Z', 4)).toEqual(['2026-02-06T00:00:00.000Z', '2026-02-13T00:00:00.000Z', '2026-02-20T00:00:00.000Z', '2026-02-27T00:00:00.000Z']);
    expect(runs('0 0 * * fri', '2026-02-01T00:00:00Z', 1)).toEqual(['2026-02-06T00:00:00.000Z']);
    expect(runs('0 0 13 * *', '2026-02-01T00:00:00Z', 1)).toEqual(['2026-02-13T00:00:00.000Z']);
  });

  it('finds 29 February in the next leap year and gives up on 30 February', () => {
    expect(runs('0 12 29 2 *', '2026-01-01T00:00:00Z', 1)).toEqual(['2028-02-29T12:00:00.000Z']);
    expect(nextCronTime(cron('0 0 30 2 *'), at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('cronMatches agrees with nextCronTime', () => {
    const s = cron('*/7 1,13 * * *');
    const next = nextCronTime(s, at('2026-03-03T01:50:00Z')) as number;
    expect(iso(next)).toBe('2026-03-03T01:56:00.000Z');
    expect(cronMatches(s, next)).toBe(true);
    expect(cronMatches(s, next + 60_000)).toBe(false);
  });
});
