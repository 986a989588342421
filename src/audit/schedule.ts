import type { DayOfWeek, ScheduledAudit } from '../model/index.js';

const DAY_MS = 86_400_000;
export const DAYS_OF_WEEK: readonly DayOfWeek[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Whether a scheduled audit runs on the UTC day starting at `dayStart` (device-defender.md §6.4 day rules). */
export function runsOn(audit: Pick<ScheduledAudit, 'frequency' | 'dayOfWeek' | 'dayOfMonth' | 'createdAt'>, dayStart: number): boolean {
  const date = new Date(dayStart);
  switch (audit.frequency) {
    case 'DAILY':
      return true;
    case 'WEEKLY':
      return DAYS_OF_WEEK[date.getUTCDay()] === audit.dayOfWeek;
    case 'BIWEEKLY': {
      if (DAYS_OF_WEEK[date.getUTCDay()] !== audit.dayOfWeek) return false;
      // Week 0 is the first matching day on or after the day the audit was created.
      const created = Math.floor(audit.createdAt / DAY_MS) * DAY_MS;
      const target = DAYS_OF_WEEK.indexOf(audit.dayOfWeek as DayOfWeek);
      const first = created + (((target - new Date(created).getUTCDay()) + 7) % 7) * DAY_MS;
      return dayStart >= first && Math.round((dayStart - first) / DAY_MS / 7) % 2 === 0;
    }
    case 'MONTHLY': {
      const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
      // 29–31 fall back to the month's last day when the month is shorter.
      const wanted = audit.dayOfMonth === 'LAST' || audit.dayOfMonth === undefined ? last : Math.min(Number(audit.dayOfMonth), last);
      return date.getUTCDate() === wanted;
    }
  }
}

/** The first run strictly after `after`: the matching day at `hourUtc`:00 UTC. */
export function nextRunAfter(audit: Pick<ScheduledAudit, 'frequency' | 'dayOfWeek' | 'dayOfMonth' | 'createdAt'>, after: number, hourUtc: number): number {
  let dayStart = Math.floor(after / DAY_MS) * DAY_MS;
  for (let i = 0; i < 400; i++, dayStart += DAY_MS) {
    const at = dayStart + hourUtc * 3_600_000;
    if (at > after && runsOn(audit, dayStart)) return at;
  }
  throw new Error('no run within 400 days (invalid schedule)');
}
