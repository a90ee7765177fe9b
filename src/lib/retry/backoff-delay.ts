import type { RetryPolicy } from './retry-policy.js';

/**
 * Exponential backoff with full jitter: a uniform pick in [0, cap] (whole ms), the cap growing
 * `factor`-fold per retry up to maxDelayMs. Full jitter spreads clients that failed
 * together (a server restart) instead of making them return in lockstep.
 * `attempt` is 1 for the first retry.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'minDelayMs' | 'maxDelayMs' | 'factor'>,
  random: () => number = Math.random,
): number {
  // factor ** attempt overflows to Infinity on long runs; 0 * Infinity would be NaN.
  const grown = policy.minDelayMs === 0 ? 0 : policy.minDelayMs * policy.factor ** (attempt - 1);
  const cap = Math.min(policy.maxDelayMs, grown);
  return Math.floor(random() * cap); // whole ms, never above the cap
}
