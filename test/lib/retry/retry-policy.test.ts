import { describe, expect, it } from 'vitest';
import { DlError } from '../../../src/lib/errors/dl-error.js';
import { DEFAULT_RETRY_POLICY, retryPolicy } from '../../../src/lib/retry/retry-policy.js';
import type { RetryPolicy } from '../../../src/lib/retry/retry-policy.js';

describe('retryPolicy', () => {
  it('fills defaults and keeps overrides; undefined means default', () => {
    expect(retryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(retryPolicy({ retries: 0, maxTotalMs: Infinity, minDelayMs: undefined })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      retries: 0,
      maxTotalMs: Infinity,
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ retries: -1 }, 'retry policy: retries must be a non-negative integer or Infinity, got -1'],
    [{ retries: 1.5 }, 'retry policy: retries must be a non-negative integer or Infinity, got 1.5'],
    [{ retries: '3' }, 'retry policy: retries must be a number, got 3'],
    [{ minDelayMs: NaN }, 'retry policy: minDelayMs must be a finite number ≥ 0, got NaN'],
    [{ minDelayMs: 100, maxDelayMs: 50 }, 'retry policy: maxDelayMs must be a finite number ≥ minDelayMs (100), got 50'],
    [{ maxDelayMs: Infinity }, 'retry policy: maxDelayMs must be a finite number ≥ minDelayMs (500), got Infinity'],
    [{ factor: 0.5 }, 'retry policy: factor must be a finite number ≥ 1, got 0.5'],
    [{ maxTotalMs: 0 }, 'retry policy: maxTotalMs must be a number > 0 (Infinity for no limit), got 0'],
    [{ retry: 3 }, 'retry policy: unknown option "retry"'],
  ])('rejects %o with a usage error naming the option', (partial, message) => {
    let thrown: unknown;
    try {
      retryPolicy(partial as Partial<RetryPolicy>);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DlError);
    expect(thrown).toMatchObject({ code: 'DL_ERR_USAGE', exitCode: 64, message });
  });
});
