import { VigilError, backoffDelay, err, ok, type Result, type Timer } from '../../core/index.js';
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
  let last = '';
  for (let attempt = 1; attempt <= ports.webhookAttempts; attempt++) {
    const result = await postJson(action.url, body, ports);
    if (result.ok) return { type: 'webhook', target: action.url, ok: true, attempts: attempt };
    last = result.error.message;
    if (!result.error.retryable || attempt === ports.webhookAttempts || ports.signal?.aborted === true) return { type: 'webhook', target: action.url, ok: false, attempts: attempt, error: last };
    try {
      await ports.timer.sleep(backoffDelay(attempt, { initialMs: ports.retryDelayMs, maxMs: ports.retryDelayMs * 8, multiplier: 2, jitter: 0 }), ports.signal);
    } catch {
      return { type: 'webhook', target: action.url, ok: false, attempts: attempt, error: `${last} (stopped before retrying)` };
    }
  }
  return { type: 'webhook', target: action.url, ok: false, attempts: ports.webhookAttempts, error: last };
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
  // A 4xx other than 408/429 is the receiver refusing the payload: retrying cannot help.
  return err({ message: `POST ${url} answered HTTP ${response.status}`, retryable: response.status >= 500 || response.status === 408 || response.status === 429 });
}
