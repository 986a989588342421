import { describe, expect, it } from 'vitest';
import { FakeTime, VigilError, attempt, backoffDelay, constantTimeEqual, eachPage, err, formatBytes, isId, isRetryableStatus, newId, ok, pages, parseBytes, parseDuration, present, retry, toVigilError, unwrap } from './index.js';

describe('VigilError', () => {
  it('keeps code, message and hint, and serializes them', () => {
    const error = new VigilError('config.invalid', 'bad port', { hint: 'use 1..65535', span: { path: 'api.listen' } });
    expect(error).toBeInstanceOf(Error);
    expect(error.toJSON()).toEqual({ code: 'config.invalid', message: 'bad port', hint: 'use 1..65535' });
    expect(error.span?.path).toBe('api.listen');
  });

  it('wraps foreign throws but keeps VigilErrors as they are', () => {
    const original = new VigilError('thing.not_found', 'x');
    expect(toVigilError(original)).toBe(original);
    const wrapped = toVigilError(new TypeError('boom'));
    expect(wrapped.code).toBe('internal.unexpected');
    expect(wrapped.message).toBe('boom');
  });
});

describe('Result', () => {
  it('unwraps ok and throws err', () => {
    expect(unwrap(ok(3))).toBe(3);
    expect(() => unwrap(err(new VigilError('thing.not_found', 'no')))).toThrow('no');
  });

  it('attempt turns a thrown VigilError into err and lets bugs propagate', () => {
    const failed = attempt(() => {
      throw new VigilError('thing.invalid_request', 'nope');
    });
    expect(failed.ok).toBe(false);
    expect(() =>
      attempt(() => {
        throw new RangeError('bug');
      }),
    ).toThrow(RangeError);
  });
});

describe('FakeTime', () => {
  it('fires timeouts and intervals in time order only when advanced', async () => {
    const time = new FakeTime(1000);
    const fired: string[] = [];
    time.setTimeout(() => fired.push(`t300@${time.now()}`), 300);
    const interval = time.setInterval(() => fired.push(`i200@${time.now()}`), 200);
    time.setTimeout(() => fired.push(`t100@${time.now()}`), 100);
    expect(fired).toEqual([]);
    await time.advance(450);
    expect(fired).toEqual(['t100@1100', 'i200@1200', 't300@1300', 'i200@1400']);
    interval.cancel();
    await time.advance(1000);
    expect(fired).toHaveLength(4);
    expect(time.now()).toBe(2450);
  });

  it('sleep resolves after the fake delay and rejects when aborted', async () => {
    const time = new FakeTime(0);
    let done = false;
    const sleeping = time.sleep(500).then(() => (done = true));
    await time.advance(499);
    expect(done).toBe(false);
    await time.advance(1);
    await sleeping;
    expect(done).toBe(true);
    const controller = new AbortController();
    const aborted = time.sleep(100, controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(time.pending()).toBe(0);
  });

  it('runs callbacks scheduled by callbacks within the same advance', async () => {
    const time = new FakeTime(0);
    const fired: number[] = [];
    time.setTimeout(() => {
      fired.push(time.now());
      time.setTimeout(() => fired.push(time.now()), 50);
    }, 100);
    await time.advance(200);
    expect(fired).toEqual([100, 150]);
  });
});

describe('ids', () => {
  it('are 32 lowercase hex characters and unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isId(id)).toBe(true);
    expect(isId('ABCDEF0123456789abcdef0123456789')).toBe(false);
  });
});

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0 };
  it('grows exponentially and caps at the maximum without jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads delays within [base*(1-jitter), base] with jitter', () => {
    const jittered = { ...policy, jitter: 0.5 };
    expect(backoffDelay(3, jittered, () => 0)).toBe(200);
    expect(backoffDelay(3, jittered, () => 1)).toBe(400);
    expect(backoffDelay(3, { ...policy, jitter: 1 }, () => 0.25)).toBe(100);
  });
});

describe('units', () => {
  it('parses byte sizes with SI and binary units', () => {
    expect(parseBytes('128KiB')).toEqual(ok(131072));
    expect(parseBytes('4 MiB')).toEqual(ok(4 * 1024 * 1024));
    expect(parseBytes('1000')).toEqual(ok(1000));
    expect(parseBytes('1.5kb')).toEqual(ok(1500));
    const bad = parseBytes('12 parsecs');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error.code).toBe('units.invalid_bytes');
  });

  it('parses durations, including compound ones', () => {
    expect(parseDuration('300s')).toEqual(ok(300_000));
    expect(parseDuration('1h30m')).toEqual(ok(5_400_000));
    expect(parseDuration('250ms')).toEqual(ok(250));
    expect(parseDuration('7d').ok).toBe(true);
    expect(parseDuration('5 minutes').ok).toBe(false);
    expect(parseDuration('').ok).toBe(false);
  });

  it('formats bytes for humans', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('constantTimeEqual', () => {
  it('compares contents, including different lengths', () => {
    expect(constantTimeEqual('secret-token', 'secret-token')).toBe(true);
    expect(constantTimeEqual('secret-token', 'secret-tokex')).toBe(false);
    expect(constantTimeEqual('short', 'longer-value')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});

describe('pages', () => {
  it('drains a listing page by page until a page names no next cursor', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e'];
    const asked: Array<string | undefined> = [];
    const listing = async (cursor: string | undefined) => {
      asked.push(cursor);
      const from = cursor === undefined ? 0 : Number(cursor);
      return { items: rows.slice(from, from + 2), next: from + 2 < rows.length ? String(from + 2) : undefined };
    };
    expect(await pages(listing)).toEqual(rows);
    expect(asked).toEqual([undefined, '2', '4']);
  });

  it('asks once for an empty listing, and stops early when the caller stops reading', async () => {
    let calls = 0;
    expect(await pages(async () => (calls++, { items: [], next: undefined }))).toEqual([]);
    expect(calls).toBe(1);
    let fetched = 0;
    for await (const items of eachPage(async (cursor) => (fetched++, { items: [cursor ?? 'first'], next: 'more' }))) {
      if (items[0] === 'more') break;
    }
    expect(fetched).toBe(2);
  });
});

describe('retry', () => {
  const policy = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0 };

  it('waits the backoff between attempts and stops at maxAttempts', async () => {
    const time = new FakeTime(0);
    const at: number[] = [];
    const running = retry(async () => (at.push(time.now()), { ok: false as const, error: 'busy', retryable: true }), { timer: time, backoff: policy, maxAttempts: 4 });
    await time.advance(10_000);
    expect(await running).toEqual({ ok: false, error: 'busy', attempts: 4, reason: 'exhausted' });
    expect(at).toEqual([0, 100, 300, 700]);
  });

  it('stops at once on a permanent error, and returns the value of the first success', async () => {
    const time = new FakeTime(0);
    expect(await retry(async () => ({ ok: false as const, error: 'refused', retryable: false }), { timer: time, backoff: policy })).toEqual({ ok: false, error: 'refused', attempts: 1, reason: 'permanent' });
    let calls = 0;
    const running = retry(async () => (++calls < 3 ? { ok: false as const, error: 'busy', retryable: true } : { ok: true as const, value: 'done' }), { timer: time, backoff: policy });
    await time.advance(1000);
    expect(await running).toEqual({ ok: true, value: 'done', attempts: 3 });
  });

  it('caps each wait at the time left and ends when no time is left', async () => {
    const time = new FakeTime(0);
    const at: number[] = [];
    const running = retry(async () => (at.push(time.now()), { ok: false as const, error: 'busy', retryable: true }), { timer: time, backoff: policy, timeLeftMs: () => 250 - time.now() });
    await time.advance(1000);
    expect(await running).toMatchObject({ ok: false, reason: 'exhausted' });
    expect(at).toEqual([0, 100, 250]);
  });

  it('tells an abort at the failure from one during the wait', async () => {
    const time = new FakeTime(0);
    const before = new AbortController();
    before.abort();
    expect(await retry(async () => ({ ok: false as const, error: 'busy', retryable: true }), { timer: time, backoff: policy, signal: before.signal })).toMatchObject({ reason: 'aborted', attempts: 1 });
    const during = new AbortController();
    const running = retry(async () => ({ ok: false as const, error: 'busy', retryable: true }), { timer: time, backoff: policy, signal: during.signal });
    await time.advance(50);
    during.abort(new Error('stop'));
    expect(await running).toMatchObject({ reason: 'stopped', attempts: 1 });
  });
});

describe('isRetryableStatus', () => {
  it('retries server errors, 408 and 429 and nothing else (the peer refused)', () => {
    expect([500, 502, 503, 504, 408, 429].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 409, 413].some(isRetryableStatus)).toBe(false);
  });
});

describe('present', () => {
  it('is the value when there is one, else the error the caller names', () => {
    expect(present(0, () => new VigilError('thing.not_found', 'none'))).toEqual(ok(0));
    const missing = present<string>(undefined, () => new VigilError('thing.not_found', 'no thing named t'));
    expect(missing.ok ? undefined : missing.error.code).toBe('thing.not_found');
  });
});
