import { defer, throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DlError } from '../../../src/lib/errors/dl-error.js';
import { httpStatusError } from '../../../src/lib/retry/http-status-error.js';
import { parseRetryAfter } from '../../../src/lib/retry/retry-after.js';
import { retryPolicy } from '../../../src/lib/retry/retry-policy.js';
import { retryWithPolicy } from '../../../src/lib/retry/retry-with-policy.js';
import type { RetryInfo } from '../../../src/lib/retry/retry-with-policy.js';

// All timing here is virtual: TestScheduler.run makes asyncScheduler (the operator's
// default) run on frames of 1 ms, so a 30 s wait costs nothing.
const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const top = () => 1; // the backoff cap itself, so expected frames are exact

interface Outcome {
  at: number;
  error?: unknown;
  values: unknown[];
}

/** Subscribe inside virtual time and note when (and how) the result ended. */
function outcome(ts: TestScheduler, result: Observable<unknown>): Outcome {
  const out: Outcome = { at: -1, values: [] };
  result.subscribe({
    next: (v) => out.values.push(v),
    error: (e: unknown) => Object.assign(out, { at: ts.now(), error: e }),
    complete: () => (out.at = ts.now()),
  });
  return out;
}

describe('retryWithPolicy', () => {
  it('retries a transient error until the attempt cap, then gives up with exit 75', () => {
    const ts = scheduler();
    ts.run(({ cold, expectSubscriptions, flush }) => {
      const source = cold('-#', undefined, reset);
      const retries: RetryInfo[] = [];
      const policy = retryPolicy({ retries: 2, minDelayMs: 10, maxDelayMs: 1000, factor: 2 });
      const out = outcome(ts, source.pipe(retryWithPolicy(policy, { random: top, onRetry: (i) => retries.push(i) })));
      flush();
      // fails at 1, waits 10, fails at 12, waits 20, fails at 33: three attempts.
      expectSubscriptions(source.subscriptions).toBe(['^!', '11ms ^!', '32ms ^!']);
      expect(out.at).toBe(33);
      expect(out.error).toBeInstanceOf(DlError);
      expect(out.error).toMatchObject({
        code: 'DL_ERR_RETRIES_EXHAUSTED',
        exitCode: 75,
        retryable: false,
        hint: 'run the same command again to resume',
        cause: reset,
        message: 'gave up after 3 attempts in 0.0 s: read ECONNRESET',
      });
      expect(retries.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
        [1, 10],
        [2, 20],
      ]);
      expect(retries.every((i) => i.error === reset)).toBe(true);
    });
  });

  it('completes with the values of the attempt that succeeded', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      let calls = 0;
      const source = defer(() => (++calls < 3 ? cold('-#', undefined, reset) : cold('-a|')));
      const policy = retryPolicy({ retries: 5, minDelayMs: 10, factor: 1 });
      expectObservable(source.pipe(retryWithPolicy(policy, { random: top }))).toBe('23ms a|');
    });
  });

  it('stops when the total time budget is spent, clipping the last wait to it', () => {
    const ts = scheduler();
    ts.run(({ cold, expectSubscriptions, flush }) => {
      const source = cold('-#', undefined, reset);
      const policy = retryPolicy({ retries: 100, minDelayMs: 40, maxDelayMs: 40, factor: 1, maxTotalMs: 100 });
      const out = outcome(ts, source.pipe(retryWithPolicy(policy, { random: top })));
      flush();
      // fails at 1, 42, 83 (each +40 wait); 17 ms left → retry at 100, fails at 101: over.
      expectSubscriptions(source.subscriptions).toBe(['^!', '41ms ^!', '82ms ^!', '100ms ^!']);
      expect(out).toMatchObject({ at: 101, error: { code: 'DL_ERR_RETRIES_EXHAUSTED', exitCode: 75 } });
      expect((out.error as DlError).details).toEqual({ attempts: 4, elapsedMs: 101 });
    });
  });

  it('honors Retry-After in seconds over a shorter backoff', () => {
    const ts = scheduler();
    ts.run(({ cold, expectSubscriptions, flush }) => {
      const busy = httpStatusError(429, 'http://127.0.0.1/x', parseRetryAfter('3', 0));
      const source = cold('-#', undefined, busy);
      const policy = retryPolicy({ retries: 1, minDelayMs: 10, factor: 1 });
      const out = outcome(ts, source.pipe(retryWithPolicy(policy, { random: top })));
      flush();
      expectSubscriptions(source.subscriptions).toBe(['^!', '3001ms ^!']);
      expect(out.error).toMatchObject({ code: 'DL_ERR_RETRIES_EXHAUSTED', cause: busy });
      expect((out.error as Error).message).toMatch(/HTTP 429 Too Many Requests from http:\/\/127.0.0.1\/x$/);
    });
  });

  it('honors Retry-After as an HTTP date, relative to when the answer came', () => {
    const ts = scheduler();
    ts.run(({ cold, expectSubscriptions, flush }) => {
      const answeredAt = Date.UTC(2030, 0, 1, 12, 0, 0);
      const busy = httpStatusError(503, 'http://127.0.0.1/x', parseRetryAfter('Tue, 01 Jan 2030 12:00:05 GMT', answeredAt));
      const source = cold('-#', undefined, busy);
      const policy = retryPolicy({ retries: 1, minDelayMs: 10, factor: 1 });
      outcome(ts, source.pipe(retryWithPolicy(policy, { random: top })));
      flush();
      expectSubscriptions(source.subscriptions).toBe(['^!', '5001ms ^!']);
    });
  });

  it('gives up at once when Retry-After asks for more than the time budget left', () => {
    const ts = scheduler();
    ts.run(({ cold, expectSubscriptions, flush }) => {
      const busy = httpStatusError(503, 'http://127.0.0.1/x', 60_000);
      const source = cold('-#', undefined, busy);
      const policy = retryPolicy({ retries: 5, maxTotalMs: 30_000 });
      const out = outcome(ts, source.pipe(retryWithPolicy(policy, { random: top })));
      flush();
      expectSubscriptions(source.subscriptions).toBe(['^!']);
      expect(out.at).toBe(1);
      expect((out.error as Error).message).toMatch(/^gave up after 1 attempt in 0\.0 s \(the server asked to wait beyond/);
    });
  });

  it('passes a permanent error through at once, without retrying', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const missing = httpStatusError(404, 'http://127.0.0.1/nope');
      const source = cold('-#', undefined, missing);
      expectObservable(source.pipe(retryWithPolicy(retryPolicy(), { random: top }))).toBe('-#', undefined, missing);
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('stops at once on a non-retryable DlError thrown from inside an attempt', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      let calls = 0;
      const stop = new DlError('checksum mismatch', { code: 'DL_ERR_INTEGRITY', exitCode: 65 });
      const source = defer(() => throwError(() => (++calls === 1 ? reset : stop)));
      const policy = retryPolicy({ retries: 5, minDelayMs: 10, factor: 1 });
      expectObservable(source.pipe(retryWithPolicy(policy, { random: top }))).toBe('10ms #', undefined, stop);
    });
  });

  it('unsubscribing during a wait cancels the timer: no further attempt starts', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const source = cold('-#', undefined, reset);
      const policy = retryPolicy({ retries: 5, minDelayMs: 10, factor: 1 });
      expectObservable(source.pipe(retryWithPolicy(policy, { random: top })), '^ 5ms !').toBe('');
      flush();
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
  });

  it('starts the time budget per subscription, not when the operator is made', () => {
    const ts = scheduler();
    ts.run(({ cold, expectSubscriptions, flush }) => {
      const source = cold('-#', undefined, reset);
      const policy = retryPolicy({ retries: 1, minDelayMs: 10, factor: 1, maxTotalMs: 50 });
      const retried = source.pipe(retryWithPolicy(policy, { random: top }));
      ts.schedule(() => outcome(ts, retried), 1000);
      flush();
      expectSubscriptions(source.subscriptions).toBe(['1000ms ^!', '1011ms ^!']);
    });
  });

  it('validates the policy when the operator is created', () => {
    expect(() => retryWithPolicy({ ...retryPolicy(), retries: -2 })).toThrow(
      'retry policy: retries must be a non-negative integer or Infinity, got -2',
    );
  });
});
