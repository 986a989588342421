/** Wall-clock time, injected so that windows, retries and schedules can be tested without sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface TimerHandle {
  cancel(): void;
}

/** Schedules callbacks; the fake implementation fires them when the test advances time. */
export interface Timer {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  /** Resolves after `delayMs`; rejects with `signal.reason` if the signal aborts first. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimer: Timer = {
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval(callback, intervalMs) {
    const handle = setInterval(callback, intervalMs);
    handle.unref?.();
    return { cancel: () => clearInterval(handle) };
  },
  sleep(delayMs, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const handle = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delayMs);
      const onAbort = (): void => {
        clearTimeout(handle);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface Scheduled {
  readonly id: number;
  at: number;
  readonly callback: () => void;
  readonly intervalMs: number | undefined;
}

/**
 * A clock and timer that only move when told to. `advance(ms)` fires every due callback in time
 * order (intervals re-arm), so a test of a retry or schedule runs instantly and deterministically.
 */
export class FakeTime implements Clock, Timer {
  private current: number;
  private nextId = 1;
  private readonly queue = new Map<number, Scheduled>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Sets the clock to `ms` without firing timers. */
  set(ms: number): void {
    this.current = ms;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.schedule(callback, delayMs, undefined);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    return this.schedule(callback, intervalMs, Math.max(1, intervalMs));
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const handle = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delayMs);
      const onAbort = (): void => {
        handle.cancel();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Number of callbacks waiting to fire. */
  pending(): number {
    return this.queue.size;
  }

  /** Moves time forward by `ms`, firing due callbacks in order; awaits microtasks between them. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.earliestDue(target);
      if (next === undefined) break;
      this.current = next.at;
      if (next.intervalMs === undefined) this.queue.delete(next.id);
      else next.at += next.intervalMs;
      next.callback();
    }
    this.current = target;
    await flushMicrotasks();
  }

  private earliestDue(limit: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const item of this.queue.values()) {
      if (item.at <= limit && (best === undefined || item.at < best.at || (item.at === best.at && item.id < best.id))) {
        best = item;
      }
    }
    return best;
  }

  private schedule(callback: () => void, delayMs: number, intervalMs: number | undefined): TimerHandle {
    const id = this.nextId++;
    this.queue.set(id, { id, at: this.current + Math.max(0, delayMs), callback, intervalMs });
    return { cancel: () => this.queue.delete(id) };
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
