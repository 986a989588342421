import { describe, expect, it } from 'vitest';
import { FakeTime } from '../core/index.js';
import { retryJetStream } from './jetstream-streams.js';

const PUT_BACKOFF = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0 };

describe('retryJetStream', () => {
  it('retries on the injected timer with the given backoff (100 ms doubling to 1 s) and resolves with the first success', async () => {
    const time = new FakeTime();
    const start = time.now();
    const attempts: number[] = [];
    const retries: number[] = [];
    const result = retryJetStream(
      async () => {
        attempts.push(time.now() - start);
        if (attempts.length < 7) throw new Error('no leader');
        return 'stored';
      },
      { clock: time, timer: time, budgetMs: 20_000, backoff: PUT_BACKOFF, onRetry: (attempt) => retries.push(attempt) },
    );
    await time.advance(10_000);
    expect(await result).toBe('stored');
    expect(attempts).toEqual([0, 100, 300, 700, 1500, 2500, 3500]);
    expect(retries).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('throws the last error once the budget on the injected clock is spent, with no attempt after it', async () => {
    const time = new FakeTime();
    const start = time.now();
    const attempts: number[] = [];
    const result = retryJetStream(
      async () => {
        attempts.push(time.now() - start);
        throw new Error(`attempt ${attempts.length}`);
      },
      { clock: time, timer: time, budgetMs: 1800 },
    ).catch((error: unknown) => error);
    await time.advance(60_000);
    const error = (await result) as Error;
    // The default: every 500 ms within the 1.8 s budget, the last wait cut to the budget's end.
    expect(attempts).toEqual([0, 500, 1000, 1500, 1800]);
    expect(error.message).toBe('attempt 5');
  });

  it('throws at once an error it is told not to retry', async () => {
    const time = new FakeTime();
    let attempts = 0;
    const result = retryJetStream(
      async () => {
        attempts++;
        throw new Error('closed');
      },
      { clock: time, timer: time, budgetMs: 20_000, retryable: () => false },
    ).catch((error: unknown) => error);
    expect(((await result) as Error).message).toBe('closed');
    expect(attempts).toBe(1);
    expect(time.pending()).toBe(0);
  });
});
