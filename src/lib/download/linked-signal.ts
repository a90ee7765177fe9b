import { setMaxListeners } from 'node:events';

/**
 * A signal that aborts with `parent`, for one download's many connections: each adds its
 * own listener, so the listener-leak warning (at 10) is lifted on this signal only, and
 * the one listener on `parent` is removed by dispose().
 */
export function linkedSignal(parent: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const abort = (): void => controller.abort(parent.reason);
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', abort) };
}
