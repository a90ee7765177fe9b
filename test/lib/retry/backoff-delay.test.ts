import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/lib/retry/backoff-delay.js';

describe('backoffDelay', () => {
  it('grows by factor up to maxDelayMs (random = 1 gives the cap itself)', () => {
    const policy = { minDelayMs: 100, maxDelayMs: 1000, factor: 3 };
    const top = () => 1;
    expect([1, 2, 3, 4, 50].map((a) => backoffDelay(a, policy, top))).toEqual([100, 300, 900, 1000, 1000]);
  });

  it('stays a number when factor ** attempt overflows', () => {
    expect(backoffDelay(5000, { minDelayMs: 0, maxDelayMs: 0, factor: 2 }, () => 0.5)).toBe(0);
    expect(backoffDelay(5000, { minDelayMs: 1, maxDelayMs: 100, factor: 2 }, () => 0.5)).toBe(50);
  });

  it('full jitter: the delay always lies in [0, min(maxDelay, minDelay·factor^(attempt-1))]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, minDelayMs, extra, factor, r) => {
          const maxDelayMs = minDelayMs + extra;
          const cap = minDelayMs === 0 ? 0 : Math.min(maxDelayMs, minDelayMs * factor ** (attempt - 1));
          const d = backoffDelay(attempt, { minDelayMs, maxDelayMs, factor }, () => r);
          return Number.isFinite(d) && d >= 0 && d <= cap && d <= maxDelayMs;
        },
      ),
    );
  });
});
