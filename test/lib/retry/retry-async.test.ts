import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryAsync } from '../../../src/lib/retry/retry-async.js';
import { httpStatusError } from '../../../src/lib/retry/http-status-error.js';
import { retryPolicy } from '../../../src/lib/retry/retry-policy.js';

const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('retryAsync', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a rejected promise after the backoff and resolves with the first success', async () => {
    let calls = 0;
    const fn = async () => (++calls < 3 ? Promise.reject(reset()) : 'ok');
    const result = retryAsync(fn, retryPolicy({ minDelayMs: 1000, factor: 1 }), { random: () => 1 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe('ok');
    expect(calls).toBe(3);
  });

  it('rejects with a permanent error after one call', async () => {
    const missing = httpStatusError(404, 'http://127.0.0.1/x');
    const fn = vi.fn(async () => Promise.reject(missing));
    await expect(retryAsync(fn, retryPolicy())).rejects.toBe(missing);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('abort during a wait rejects as interrupted and cancels the pending retry', async () => {
    const ac = new AbortController();
    const fn = vi.fn(async (signal: AbortSignal | undefined) => {
      expect(signal).toBe(ac.signal);
      return Promise.reject(reset());
    });
    const result = retryAsync(fn, retryPolicy({ minDelayMs: 60_000, maxDelayMs: 60_000 }), {
      signal: ac.signal,
      random: () => 1,
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    ac.abort();
    await expect(result).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED', exitCode: 130 });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
