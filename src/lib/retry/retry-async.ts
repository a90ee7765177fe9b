import { defer } from 'rxjs';
import { abortedError } from '../errors/dl-error.js';
import type { RetryPolicy } from './retry-policy.js';
import { retryWithPolicy } from './retry-with-policy.js';
import type { RetryOptions } from './retry-with-policy.js';

/**
 * retryWithPolicy for promise-style callers: `fn` is called once per attempt with the
 * caller's signal. Aborting rejects with the `interrupted` DlError and cancels a pending
 * wait; throw a non-retryable DlError from `fn` to stop retrying at once.
 */
export function retryAsync<T>(
  fn: (signal: AbortSignal | undefined) => Promise<T>,
  policy: RetryPolicy,
  opts: RetryOptions & { signal?: AbortSignal } = {},
): Promise<T> {
  const { signal, ...retryOpts } = opts;
  const attempts = defer(() => fn(signal)).pipe(retryWithPolicy<T>(policy, retryOpts));
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const onAbort = (): void => {
      subscription.unsubscribe();
      reject(abortedError());
    };
    const settle = (): void => signal?.removeEventListener('abort', onAbort);
    const subscription = attempts.subscribe({
      next: (value) => (settle(), resolve(value)),
      error: (err: unknown) => (settle(), reject(err)),
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
