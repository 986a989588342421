import { describe, expect, it } from 'vitest';
import { protocolLimits } from './config.js';
import { acceptedSlot, checkReportRate, nextReportId } from './rate.js';
import { checkThingName, defenderTopic, parseDefenderTopic } from './topics.js';

describe('defender topics (§1.1)', () => {
  it('builds the six reserved topics', () => {
    expect(defenderTopic('t1', 'json')).toBe('$aws/things/t1/defender/metrics/json');
    expect(defenderTopic('t1', 'cbor', 'accepted')).toBe('$aws/things/t1/defender/metrics/cbor/accepted');
    expect(defenderTopic('t1', 'json', 'rejected')).toBe('$aws/things/t1/defender/metrics/json/rejected');
  });

  it('parses what it builds and nothing else', () => {
    for (const format of ['json', 'cbor'] as const) {
      for (const kind of ['report', 'accepted', 'rejected'] as const) {
        expect(parseDefenderTopic(defenderTopic('my-thing', format, kind))).toEqual({ thingName: 'my-thing', format, kind });
      }
    }
    for (const topic of ['$aws/things//defender/metrics/json', '$aws/things/a/b/defender/metrics/json', '$aws/things/a/defender/metrics/xml', '$aws/things/a/defender/metrics/json/other', '$aws/things/a/defender/metrics/json/accepted/x', 'things/a/defender/metrics/json', '$aws/things/a/shadow/update']) {
      expect(parseDefenderTopic(topic)).toBeUndefined();
    }
  });
});

describe('checkThingName (§1.1)', () => {
  it('accepts up to 128 bytes of UTF-8, counting bytes not characters', () => {
    expect(checkThingName('a'.repeat(128)).ok).toBe(true);
    expect(checkThingName('a'.repeat(129)).ok).toBe(false);
    expect(checkThingName('é'.repeat(64)).ok).toBe(true);
    expect(checkThingName('é'.repeat(65)).ok).toBe(false);
  });

  it('rejects control characters, topic separators, wildcards and the empty name with report.invalid_thing_name', () => {
    for (const name of ['a\u0000b', 'tab\tname', 'del\u007f', 'c1\u0085', 'a/b', 'a+b', 'a#', '', 'x\ud800']) {
      const result = checkThingName(name);
      expect(result.ok).toBe(false);
      if (!result.ok) expect([result.error.code, result.error.awsCode]).toEqual(['report.invalid_thing_name', 'InvalidPayload']);
    }
  });

  it('the limit is configurable', () => expect(checkThingName('abcd', protocolLimits({ max_thing_name_bytes: 3 })).ok).toBe(false));
});

describe('rate rules (§1.6)', () => {
  const t0 = Date.UTC(2026, 0, 1);
  it('the first report of a thing passes', () => expect(checkReportRate(undefined, 1, t0).ok).toBe(true));

  it('a report id not greater than the last accepted one is rejected as report.stale_report_id', () => {
    for (const id of [100, 99]) {
      const result = checkReportRate({ reportId: 100, acceptedAtMs: t0 }, id, t0 + 3_600_000);
      expect(!result.ok && [result.error.code, result.error.awsCode, result.error.reportId]).toEqual(['report.stale_report_id', 'InvalidPayload', id]);
    }
  });

  it('a report more than the tolerance before the last accepted one plus min_report_interval_secs is throttled', () => {
    const last = { reportId: 100, acceptedAtMs: t0 };
    // Default tolerance 10 % of 300 s: the earliest accepted arrival is 270 s after the last slot.
    const early = checkReportRate(last, 101, t0 + 269_999);
    expect(!early.ok && [early.error.code, early.error.awsCode, early.error.message]).toEqual(['report.throttled', 'InvalidPayload', 'the report came 269.999 s after the last accepted one; the minimum interval is 300 s (tolerance 30 s)']);
    expect(checkReportRate(last, 101, t0 + 270_000).ok).toBe(true);
    expect(checkReportRate(last, 101, t0 + 299_999, protocolLimits({ report_interval_tolerance: 0 })).ok).toBe(false);
    expect(checkReportRate(last, 101, t0 + 300_000, protocolLimits({ report_interval_tolerance: 0 })).ok).toBe(true);
    expect(checkReportRate(last, 101, t0 + 1000, protocolLimits({ min_report_interval_secs: 0 })).ok).toBe(true);
  });

  /** Feeds arrivals through the rules as the ingress does; answers how many were throttled. */
  function throttledCount(arrivalsMs: readonly number[], limits = protocolLimits()): number {
    let last: { reportId: number; acceptedAtMs: number } | undefined;
    let throttled = 0;
    arrivalsMs.forEach((at, i) => {
      const result = checkReportRate(last, i + 1, at, limits);
      if (result.ok) last = { reportId: i + 1, acceptedAtMs: acceptedSlot(last, at, limits) };
      else throttled++;
    });
    return throttled;
  }

  /** Deterministic jitter in [-amplitude, amplitude]. */
  function jitter(amplitude: number, seed = 7): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return (state / 2_147_483_648) * 2 * amplitude - amplitude;
    };
  }

  it('a device on a schedule of exactly the minimum, arriving up to 14 s early or late, is never throttled', () => {
    const next = jitter(14_000);
    const arrivals = Array.from({ length: 2000 }, (_, n) => t0 + n * 300_000 + next());
    expect(throttledCount(arrivals)).toBe(0);
    // Counted from arrival without a tolerance, the same fleet loses about half its reports.
    expect(throttledCount(arrivals, protocolLimits({ report_interval_tolerance: 0 }))).toBeGreaterThan(500);
  });

  it('sub-second schedules: every 1.2 s with a 1 s minimum and 0.15 s jitter, nothing is throttled', () => {
    const next = jitter(150);
    const limits = protocolLimits({ min_report_interval_secs: 1 });
    expect(throttledCount(Array.from({ length: 5000 }, (_, n) => t0 + n * 1200 + next()), limits)).toBe(0);
    const half = protocolLimits({ min_report_interval_secs: 0.5 });
    expect(throttledCount([t0, t0 + 460, t0 + 960], half)).toBe(0);
    // 0.46 s early put the slot at 0.5 s, so 0.9 s is early for the next one.
    expect(throttledCount([t0, t0 + 460, t0 + 900], half)).toBe(1);
    const early = checkReportRate({ reportId: 1, acceptedAtMs: t0 }, 2, t0 + 440, half);
    expect(!early.ok && early.error.message).toBe('the report came 0.44 s after the last accepted one; the minimum interval is 0.5 s (tolerance 0.05 s)');
  });

  it('issue 24: devices on a schedule of 1.1 × the minimum, arriving up to a tenth of the minimum early or late, are never throttled', () => {
    for (const minimum of [300, 1, 0.5]) {
      const limits = protocolLimits({ min_report_interval_secs: minimum });
      const next = jitter(minimum * 100);
      const arrivals = Array.from({ length: 5000 }, (_, n) => t0 + n * minimum * 1100 + next());
      expect(throttledCount(arrivals, limits)).toBe(0);
      // Without the tolerance the same arrivals lose reports: the test would catch its loss.
      expect(throttledCount(arrivals, protocolLimits({ min_report_interval_secs: minimum, report_interval_tolerance: 0 }))).toBeGreaterThan(0);
    }
  });

  it('the tolerance cannot be used to report faster than the minimum: early reports do not move the schedule forward', () => {
    // Every 0.95 × the minimum: within the tolerance each time, but the slots fall behind the arrivals.
    const arrivals = Array.from({ length: 100 }, (_, n) => t0 + n * 285_000);
    const accepted = arrivals.length - throttledCount(arrivals);
    // No more reports accepted than a device exactly on the minimum would have had over the span.
    expect(accepted).toBeLessThanOrEqual(Math.floor((arrivals.at(-1)! - t0) / 300_000) + 1);
    expect(accepted).toBeLessThan(arrivals.length);
  });

  it('a report after the server clock stepped back is not throttled for the length of the step', () => {
    const last = { reportId: 100, acceptedAtMs: t0 };
    expect(checkReportRate(last, 101, t0 - 3_600_000).ok).toBe(true);
    expect(checkReportRate(last, 100, t0 - 3_600_000).ok).toBe(false);
  });

  it('nextReportId is epoch seconds, strictly increasing even when the clock stands still or steps back', () => {
    expect(nextReportId(undefined, t0 + 1500)).toBe(t0 / 1000 + 1);
    expect(nextReportId(t0 / 1000 + 1, t0 + 1500)).toBe(t0 / 1000 + 2);
    expect(nextReportId(t0 / 1000 + 50, t0)).toBe(t0 / 1000 + 51);
    expect(nextReportId(t0 / 1000 - 10, t0)).toBe(t0 / 1000);
  });
});
