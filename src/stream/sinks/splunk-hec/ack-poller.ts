import type { Timer, TimerHandle } from '../../../core/index.js';
import type { HttpClient } from '../../http-request.js';
import { parseHecReply } from '../../../protocol/index.js';

export type AckResult = 'acked' | 'timeout' | 'aborted' | 'reset';

interface Waiter {
  readonly resolve: (result: AckResult) => void;
}

/**
 * Waits for HEC indexer acknowledgements of one channel. Every pending ackId is asked about in one
 * `POST /services/collector/ack` per poll interval, however many batches are in flight.
 */
export class AckPoller {
  private readonly pending = new Map<number, Waiter>();
  private wake: TimerHandle | undefined;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly client: HttpClient,
    private readonly timer: Timer,
    private readonly headers: Record<string, string>,
    private readonly intervalMs: number,
    private readonly requestTimeoutMs: number,
  ) {}

  /** Resolves `acked` once HEC reports the id true, `timeout` after `timeoutMs`. */
  wait(ackId: number, timeoutMs: number, signal: AbortSignal): Promise<AckResult> {
    // HEC restarted and reuses ids on this channel: the older waiter can no longer be answered truthfully.
    this.pending.get(ackId)?.resolve('reset');
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: AckResult): void => {
        if (done) return;
        done = true;
        timeout.cancel();
        signal.removeEventListener('abort', onAbort);
        if (this.pending.get(ackId) === waiter) this.pending.delete(ackId);
        resolve(result);
      };
      const waiter: Waiter = { resolve: finish };
      const timeout = this.timer.setTimeout(() => finish('timeout'), timeoutMs);
      const onAbort = (): void => finish('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(ackId, waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.wake !== undefined || this.polling || this.stopped || this.pending.size === 0) return;
    this.wake = this.timer.setTimeout(() => {
      this.wake = undefined;
      void this.poll();
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      const ids = [...this.pending.keys()];
      const exchange = await this.client.request('POST', '/services/collector/ack', { ...this.headers, 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ acks: ids })), this.requestTimeoutMs);
      if (exchange.ok && exchange.response.status === 200) {
        const acks = parseHecReply(exchange.response.body)?.acks ?? {};
        for (const [id, value] of Object.entries(acks)) {
          if (value === true) this.pending.get(Number(id))?.resolve('acked');
        }
      }
      // A failed poll is retried next interval; each waiter's own timeout bounds the wait.
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.cancel();
    for (const waiter of [...this.pending.values()]) waiter.resolve('aborted');
  }
}
