import { usageError } from '../errors/dl-error.js';

/** How often and how long a transient failure is retried. One policy for every command. */
export interface RetryPolicy {
  /** Retries after the first attempt (attempts = retries + 1); 0 disables retrying. */
  retries: number;
  /** Backoff cap of the first retry; each later one may wait `factor` times longer. */
  minDelayMs: number;
  /** Backoff cap never exceeded by the exponential growth (Retry-After may exceed it). */
  maxDelayMs: number;
  factor: number;
  /** Total time budget from the first attempt; no retry starts after it is spent. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 5,
  minDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  maxTotalMs: 300_000,
});

type Check = (v: number, p: RetryPolicy) => string | undefined;

// Each rule says what a valid value is, so the message can name it precisely.
const RULES: Record<keyof RetryPolicy, Check> = {
  retries: (v) => (Number.isInteger(v) && v >= 0) || v === Infinity ? undefined : 'a non-negative integer or Infinity',
  minDelayMs: (v) => (Number.isFinite(v) && v >= 0 ? undefined : 'a finite number ≥ 0'),
  maxDelayMs: (v, p) => (Number.isFinite(v) && v >= p.minDelayMs ? undefined : `a finite number ≥ minDelayMs (${p.minDelayMs})`),
  factor: (v) => (Number.isFinite(v) && v >= 1 ? undefined : 'a finite number ≥ 1'),
  maxTotalMs: (v) => (v > 0 ? undefined : 'a number > 0 (Infinity for no limit)'),
};

/**
 * The default policy overridden by `partial`, validated now rather than at the first
 * failure, so a bad `--retries` or config value is reported before any byte moves.
 */
export function retryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  for (const key of Object.keys(partial)) {
    if (!(key in RULES)) {
      throw usageError(`retry policy: unknown option "${key}"`, `use one of ${Object.keys(RULES).join(', ')}`);
    }
  }
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(partial) };
  for (const [key, check] of Object.entries(RULES) as [keyof RetryPolicy, Check][]) {
    const value = policy[key];
    const expected = typeof value === 'number' ? check(value, policy) : 'a number';
    if (expected !== undefined) {
      throw usageError(`retry policy: ${key} must be ${expected}, got ${String(value)}`);
    }
  }
  return policy;
}

// `{ retries: undefined }` (an unset flag) means "the default", not "invalid".
const definedOnly = (p: Partial<RetryPolicy>): Partial<RetryPolicy> =>
  Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
