import { describe, expect, it } from 'vitest';
import { FakeTime } from './clock.js';
import { DueTimer } from './due-timer.js';

describe('DueTimer', () => {
  it('fires once at the earliest due time, and re-arming replaces the wait', async () => {
    const time = new FakeTime(0);
    const fired: number[] = [];
    const timer = new DueTimer(time, 10_000, () => fired.push(time.now()));
    timer.arm([500, 200, 900], 0);
    timer.arm([300, 700], 0);
    expect(time.pending()).toBe(1);
    await time.advance(1000);
    expect(fired).toEqual([300]);
  });

  it('caps a far wait at maxWaitMs and fires at once for a time already past', async () => {
    const time = new FakeTime(1000);
    const fired: number[] = [];
    const timer = new DueTimer(time, 100, () => fired.push(time.now()));
    timer.arm([1_000_000], 1000);
    await time.advance(150);
    timer.arm([5], time.now());
    await time.advance(0);
    expect(fired).toEqual([1100, 1150]);
  });

  it('arms nothing without due times, and cancel drops the wait', async () => {
    const time = new FakeTime(0);
    const timer = new DueTimer(time, 100, () => undefined);
    timer.arm([], 0);
    expect(time.pending()).toBe(0);
    timer.arm([50], 0);
    timer.cancel();
    expect(time.pending()).toBe(0);
  });
});
