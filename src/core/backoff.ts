export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
  /** 0 = no jitter; 1 = "full jitter" (uniform in [0, delay]). */
  readonly jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 1 };

/**
 * Delay before retry number `attempt` (1-based): initial × multiplier^(attempt-1), capped at max, with
 * the top `jitter` fraction of it randomized so that many clients retrying together spread out.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = defaultBackoff, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** exponent);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
