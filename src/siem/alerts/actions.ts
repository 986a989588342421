import { VigilError, err, isRetryableStatus, ok, retry, type Result, type Timer } from '../../core/index.js';
import type { AlertAction, AlertActionOutcome, Notifier } from '../../model/index.js';

export interface ActionPorts {
  /** Vigil's notify topics; absent when this process has no notify engine. */
  readonly notifier?: Notifier | undefined;
  readonly timer: Timer;
  readonly webhookTimeoutMs: number;
  /** Attempts per webhook POST (first try included); retried on network errors, 408, 429 and 5xx. */
  readonly webhookAttempts: number;
  readonly retryDelayMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Runs one alert action with one payload; never throws: the outcome goes to the alert history. */
export async function runAction(action: AlertAction, payload: Readonly<Record<string, unknown>>, subject: string, ports: ActionPorts): Promise<AlertActionOutcome> {
  const body = JSON.stringify(payload);
  if (action.type === 'topic') {
    if (ports.notifier === undefined) return { type: 'topic', target: action.topic, ok: false, attempts: 0, error: 'notify topics are not available in this process' };
    const published = await ports.notifier.publish(action.topic, body, subject.slice(0, 100)).catch((error: unknown) => err(error instanceof VigilError ? error : new VigilError('alert.action_failed', String(error))));
    return published.ok ? { type: 'topic', target: action.topic, ok: true, attempts: 1 } : { type: 'topic', target: action.topic, ok: false, attempts: 1, error: `${published.error.code}: ${published.error.message}` };
  }
  if (ports.webhookAttempts < 1) return { type: 'webhook', target: action.url, ok: false, attempts: 0, error: '' };
  const outcome = await retry(
    async () => {
      const result = await postJson(action.url, body, ports);
      return result.ok ? result : { ok: false, error: result.error.message, retryable: result.error.retryable };
    },
    { timer: ports.timer, backoff: { initialMs: ports.retryDelayMs, maxMs: ports.retryDelayMs * 8, multiplier: 2, jitter: 0 }, signal: ports.signal, maxAttempts: ports.webhookAttempts },
  );
  if (outcome.ok) return { type: 'webhook', target: action.url, ok: true, attempts: outcome.attempts };
  return { type: 'webhook', target: action.url, ok: false, attempts: outcome.attempts, error: outcome.reason === 'stopped' ? `${outcome.error} (stopped before retrying)` : outcome.error };
}

async function postJson(url: string, body: string, ports: ActionPorts): Promise<Result<void, { message: string; retryable: boolean }>> {
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(ports.webhookTimeoutMs);
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'vigil-alert' },
      body,
      signal: ports.signal === undefined ? timeout : AbortSignal.any([timeout, ports.signal]),
    });
    await response.arrayBuffer();
  } catch (error) {
    return err({ message: `POST ${url} failed: ${error instanceof Error ? error.message : String(error)}`, retryable: true });
  }
  if (response.ok) return ok(undefined);
  return err({ message: `POST ${url} answered HTTP ${response.status}`, retryable: isRetryableStatus(response.status) });
}
