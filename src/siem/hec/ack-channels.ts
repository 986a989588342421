/**
 * Indexer-acknowledgement state per channel (spec A.6): sequential ackIds from 0, an id reads true
 * once its request's events are committed, and its state is dropped after it was reported true once.
 */
export class AckChannels {
  private readonly channels = new Map<string, { next: number; done: Set<number>; lastUsed: number }>();

  constructor(private readonly maxChannels: number) {}

  get size(): number {
    return this.channels.size;
  }

  /** Hands out the channel's next ackId, or undefined when no new channel may be opened. */
  open(channel: string, now: number): number | undefined {
    let state = this.channels.get(channel);
    if (state === undefined) {
      if (this.channels.size >= this.maxChannels) return undefined;
      state = { next: 0, done: new Set(), lastUsed: now };
      this.channels.set(channel, state);
    }
    state.lastUsed = now;
    return state.next++;
  }

  /** The events of ackId are committed. */
  complete(channel: string, ackId: number): void {
    this.channels.get(channel)?.done.add(ackId);
  }

  /** Answers a status query; ids reported true are forgotten. Unknown ids and channels read false. */
  query(channel: string, ids: readonly number[], now: number): Record<string, boolean> {
    const state = this.channels.get(channel);
    if (state !== undefined) state.lastUsed = now;
    const out: Record<string, boolean> = {};
    for (const id of ids) {
      const done = state?.done.has(id) === true;
      if (done) state?.done.delete(id);
      out[String(id)] = done;
    }
    return out;
  }

  /** Drops channels idle for longer than `maxIdleMs` (Splunk `ackIdleCleanup`). */
  sweep(now: number, maxIdleMs: number): number {
    let removed = 0;
    for (const [name, state] of this.channels) {
      if (now - state.lastUsed > maxIdleMs) {
        this.channels.delete(name);
        removed++;
      }
    }
    return removed;
  }
}
