import type { NatsConnection } from '@nats-io/transport-node';
import { retry, type BackoffPolicy, type Clock, type Timer } from '../core/index.js';

type JetStreamManager = import('@nats-io/jetstream').JetStreamManager;
type StreamConfig = import('@nats-io/jetstream').StreamConfig;

export interface JetStreamRetryOptions {
  readonly clock: Clock;
  readonly timer: Timer;
  /** How long retries may go on after the first attempt started; then the last error is thrown. */
  readonly budgetMs: number;
  /** Waits between attempts (default: 500 ms each time). */
  readonly backoff?: BackoffPolicy;
  /** False for an error not worth another attempt (thrown at once); default: every error is retried. */
  readonly retryable?: (error: unknown) => boolean;
  /** Before each wait for a next attempt (`attempt` is 1 before the first retry). */
  readonly onRetry?: (attempt: number, error: unknown) => void;
}

/** The wait between the attempts of a setup call: no growth, no jitter. */
const SETUP_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 500, multiplier: 1, jitter: 0 };

/** How long a node keeps trying to reach JetStream and set up a stream at start. */
const SETUP_BUDGET_MS = 30_000;

/**
 * Runs a JetStream call until it succeeds, within a time budget measured on the injected clock and
 * waited out on the injected timer. JetStream fails for a few seconds while its servers elect a
 * leader (a cluster just started, a stream leader's server dying); a retry rides that out.
 */
export async function retryJetStream<T>(call: () => Promise<T>, options: JetStreamRetryOptions): Promise<T> {
  const deadline = options.clock.now() + options.budgetMs;
  const outcome = await retry<T, unknown>(
    async () => {
      try {
        return { ok: true, value: await call() };
      } catch (error) {
        return { ok: false, error, retryable: options.retryable?.(error) ?? true };
      }
    },
    {
      timer: options.timer,
      backoff: options.backoff ?? SETUP_BACKOFF,
      timeLeftMs: () => deadline - options.clock.now(),
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    },
  );
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

/**
 * Creates the JetStream stream `config.name`, or brings its settings up to date when it exists (made
 * by another node, or by this one before). Retries while JetStream is not ready (a NATS cluster that
 * has just started elects its JetStream leader first); returns the manager it used.
 */
export async function ensureStream(connection: NatsConnection, config: Partial<StreamConfig> & { readonly name: string }, time: { readonly clock: Clock; readonly timer: Timer }): Promise<JetStreamManager> {
  const js = await import('@nats-io/jetstream');
  const options = { clock: time.clock, timer: time.timer, budgetMs: SETUP_BUDGET_MS };
  const manager = await retryJetStream(() => js.jetstreamManager(connection), options);
  await retryJetStream(async () => {
    try {
      await manager.streams.add(config);
    } catch (error) {
      if (!(error instanceof js.JetStreamApiError)) throw error;
      await manager.streams.update(config.name, config);
    }
  }, options);
  return manager;
}
