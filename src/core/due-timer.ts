import type { Timer, TimerHandle } from './clock.js';

/**
 * One timer for the earliest of several due times (a scheduler's next slots). The wait is capped at
 * `maxWaitMs`, since a far time does not fit a 32-bit timeout, so `onDue` may run before anything is
 * due and must re-arm.
 */
export class DueTimer {
  private handle: TimerHandle | undefined;

  constructor(private readonly timer: Timer, private readonly maxWaitMs: number, private readonly onDue: () => void) {}

  /** Replaces any wait with one until the earliest of `due` (none: no wait). */
  arm(due: Iterable<number>, now: number): void {
    this.cancel();
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of due) earliest = Math.min(earliest, at);
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.handle = this.timer.setTimeout(this.onDue, Math.max(0, Math.min(earliest - now, this.maxWaitMs)));
  }

  cancel(): void {
    this.handle?.cancel();
    this.handle = undefined;
  }
}
