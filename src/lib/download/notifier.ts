import { abortedError } from '../errors/dl-error.js';

/** Wakes every waiter when something changed; waiters re-check their condition. */
export class Notifier {
  #waiters: (() => void)[] = [];

  notify(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const wake of w) wake();
  }

  wait(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortedError());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(abortedError());
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
