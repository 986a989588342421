import { describe, expect, it } from 'vitest';
import { protocolLimits } from './config.js';
import { checkReportRate, nextReportId } from './rate.js';
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

  it('a report sooner than min_report_interval_secs after the last accepted one is throttled', () => {
    const last = { reportId: 100, acceptedAtMs: t0 };
    const early = checkReportRate(last, 101, t0 + 299_999);
    expect(!early.ok && [early.error.code, early.error.awsCode]).toEqual(['report.throttled', 'InvalidPayload']);
    expect(checkReportRate(last, 101, t0 + 300_000).ok).toBe(true);
    expect(checkReportRate(last, 101, t0 + 1000, protocolLimits({ min_report_interval_secs: 0 })).ok).toBe(true);
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
