import { asyncScheduler, defer, retry, throwError, timer } from 'rxjs';
import type { MonoTypeOperatorFunction, Observable, SchedulerLike } from 'rxjs';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { backoffDelay } from './backoff-delay.js';
import { errorReason, isTransient } from './classify-error.js';
import { retryAfterMsOf } from './http-status-error.js';
import { retryPolicy } from './retry-policy.js';
import type { RetryPolicy } from './retry-policy.js';

export interface RetryInfo {
  /** The attempt that just failed, from 1; the next one is attempt + 1. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  /** Timers run here; tests pass a TestScheduler (or rely on TestScheduler.run). */
  scheduler?: SchedulerLike;
  random?: () => number;
  /** Clock for the total time budget; defaults to the scheduler's. */
  now?: () => number;
  /** Called before each wait, e.g. to emit a `retry` event. */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Resubscribe to the source after a transient error (isTransient), waiting
 * max(Retry-After, jittered backoff), clipped to what is left of maxTotalMs. Permanent
 * errors pass through at once. When attempts or time run out, error with
 * DL_ERR_RETRIES_EXHAUSTED (exit 75) whose cause is the last error. Unsubscribing
 * cancels a pending wait. The policy is validated when the operator is created.
 */
export function retryWithPolicy<T>(policy: RetryPolicy, opts: RetryOptions = {}): MonoTypeOperatorFunction<T> {
  const p = retryPolicy(policy);
  const scheduler = opts.scheduler ?? asyncScheduler;
  const now = opts.now ?? (() => scheduler.now());
  const random = opts.random ?? Math.random;
  return (source: Observable<T>) =>
    defer(() => {
      const start = now();
      return source.pipe(
        retry({
          delay: (error: unknown, attempt: number) => {
            if (!isTransient(error)) return throwError(() => error);
            const elapsedMs = now() - start;
            const leftMs = p.maxTotalMs - elapsedMs;
            const retryAfterMs = retryAfterMsOf(error) ?? 0;
            if (attempt > p.retries || leftMs <= 0 || retryAfterMs > leftMs) {
              return throwError(() => exhausted(error, attempt, elapsedMs, retryAfterMs > leftMs));
            }
            const delayMs = Math.min(leftMs, Math.max(retryAfterMs, backoffDelay(attempt, p, random)));
            opts.onRetry?.({ attempt, delayMs, error });
            return timer(delayMs, scheduler);
          },
        }),
      );
    });
}

function exhausted(error: unknown, attempts: number, elapsedMs: number, serverWaitTooLong: boolean): DlError {
  // When the server asks for a wait longer than the budget left, trying before then is
  // pointless (and impolite): give up now rather than sleep and fail again.
  const why = serverWaitTooLong ? ' (the server asked to wait beyond the retry time budget)' : '';
  return new DlError(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${(elapsedMs / 1000).toFixed(1)} s${why}: ${errorReason(error)}`, {
    code: 'DL_ERR_RETRIES_EXHAUSTED',
    exitCode: ExitCode.TEMP_FAIL,
    retryable: false,
    hint: 'run the same command again to resume',
    cause: error,
    details: { attempts, elapsedMs },
  });
}
