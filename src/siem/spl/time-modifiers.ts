import { VigilError } from '../../core/index.js';

const UNITS: Readonly<Record<string, string>> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd',
  w: 'w', wk: 'w', week: 'w', weeks: 'w',
  mon: 'mon', month: 'mon', months: 'mon',
  q: 'q', qtr: 'q', quarter: 'q',
  y: 'y', yr: 'y', year: 'y', years: 'y',
};

/** Seconds in a fixed-length unit (months, quarters and years are calendar units). */
export const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export function normalizeUnit(unit: string): string | undefined {
  return UNITS[unit.toLowerCase()];
}

/**
 * Resolves a Splunk time modifier (spec C.2) to epoch milliseconds, in UTC: `now`, `0`, epoch
 * seconds, `%m/%d/%Y:%H:%M:%S`, ISO-8601, `[+|-]<n><unit>` and `@<unit>[<weekday>]` snaps, e.g.
 * `-24h@h`, `-1d@d`, `@w0`.
 */
export function resolveTimeModifier(text: string, nowMs: number): number {
  const ms = resolveUnchecked(text, nowMs);
  // Times outside years 0001–9999 have no date (and no rendering): refused like a malformed time.
  if (!Number.isFinite(ms) || ms < -62135596800000 || ms > 253402300799999) {
    throw new VigilError('spl.invalid_time', `time "${text}" is outside the years 0001 to 9999`, { hint: 'use now, an epoch in seconds, %m/%d/%Y:%H:%M:%S, or a relative time like -24h@h' });
  }
  return ms;
}

function resolveUnchecked(text: string, nowMs: number): number {
  const value = text.trim();
  if (value === '' || value === 'now') return nowMs;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}):(\d{1,2}):(\d{2}):(\d{2})$/.exec(value);
  if (us !== null) {
    const [, mo, d, y, h, mi, s] = us.map(Number) as number[];
    return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(value) || value.length === 10 ? value : `${value}Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  const match = /^([+-]\d*[a-z]+)?(?:@([a-z]+)(\d)?)?$/i.exec(value);
  if (match === null || (match[1] === undefined && match[2] === undefined)) throw invalid(text);
  let t = new Date(nowMs);
  if (match[1] !== undefined) {
    const rel = /^([+-])(\d*)([a-z]+)$/i.exec(match[1]) as RegExpExecArray;
    const amount = (rel[2] === '' ? 1 : Number(rel[2])) * (rel[1] === '-' ? -1 : 1);
    const unit = normalizeUnit(rel[3] as string);
    if (unit === undefined) throw invalid(text);
    t = offset(t, amount, unit);
  }
  if (match[2] !== undefined) {
    const unit = normalizeUnit(match[2]);
    if (unit === undefined) throw invalid(text);
    t = snap(t, unit, match[3] === undefined ? undefined : Number(match[3]));
  }
  return t.getTime();
}

function offset(t: Date, amount: number, unit: string): Date {
  const d = new Date(t.getTime());
  if (unit === 'mon') d.setUTCMonth(d.getUTCMonth() + amount);
  else if (unit === 'q') d.setUTCMonth(d.getUTCMonth() + 3 * amount);
  else if (unit === 'y') d.setUTCFullYear(d.getUTCFullYear() + amount);
  else d.setTime(d.getTime() + amount * (UNIT_SECONDS[unit] as number) * 1000);
  return d;
}

/** Snaps down to the start of the unit (`@w<n>`: the last weekday n, 0 = Sunday). */
export function snap(t: Date, unit: string, weekday?: number): Date {
  const y = t.getUTCFullYear();
  const mo = t.getUTCMonth();
  const d = t.getUTCDate();
  switch (unit) {
    case 's':
      return new Date(Math.floor(t.getTime() / 1000) * 1000);
    case 'm':
      return new Date(Math.floor(t.getTime() / 60000) * 60000);
    case 'h':
      return new Date(Math.floor(t.getTime() / 3600000) * 3600000);
    case 'd':
      return new Date(Date.UTC(y, mo, d));
    case 'w': {
      const target = weekday ?? 0;
      const back = (t.getUTCDay() - target + 7) % 7;
      return new Date(Date.UTC(y, mo, d - back));
    }
    case 'mon':
      return new Date(Date.UTC(y, mo, 1));
    case 'q':
      return new Date(Date.UTC(y, mo - (mo % 3), 1));
    default:
      return new Date(Date.UTC(y, 0, 1));
  }
}

/** `5m`, `1h`, `30s`, `1d`, `1mon` → seconds (months as 30 days for bucketing math is wrong: callers handle mon). */
export function parseSpan(text: string): { seconds: number; unit: string; count: number } {
  const match = /^(\d*)([a-z]+)$/i.exec(text.trim());
  const unit = match === null ? undefined : normalizeUnit(match[2] as string);
  if (match === null || unit === undefined) {
    throw new VigilError('spl.invalid_span', `invalid span "${text}"`, { hint: 'use <n><unit> with unit s, m, h, d, w, mon, q or y, e.g. span=5m' });
  }
  const count = match[1] === '' ? 1 : Number(match[1]);
  if (count <= 0) throw new VigilError('spl.invalid_span', `span must be positive: "${text}"`);
  const seconds = unit === 'mon' ? count * 30 * 86400 : unit === 'q' ? count * 91 * 86400 : unit === 'y' ? count * 365 * 86400 : count * (UNIT_SECONDS[unit] as number);
  return { seconds, unit, count };
}

function invalid(text: string): VigilError {
  return new VigilError('spl.invalid_time', `invalid time modifier "${text}"`, { hint: 'use now, an epoch, %m/%d/%Y:%H:%M:%S, or a relative time like -24h@h' });
}
