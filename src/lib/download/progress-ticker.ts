import type { EventInput } from '../events/types.js';

const TICK_MS = 200;

/**
 * Emits `progress` for `id` every 200 ms while the byte count moves, once at start and
 * once at stop (the event layer samples further; first and last always pass).
 */
export function startProgress(
  id: string,
  emit: (e: EventInput) => void,
  bytes: () => number,
  total: number | null,
  now: () => number = Date.now,
): { stop(): void } {
  const t0 = now();
  const base = bytes();
  let last = -1;
  const tick = (): void => {
    const b = bytes();
    if (b === last) return;
    last = b;
    const secs = (now() - t0) / 1000;
    emit({ type: 'progress', id, bytes: b, total, ...(secs > 0 ? { rate: Math.round((b - base) / secs) } : {}) });
  };
  tick();
  const timer = setInterval(tick, TICK_MS);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
    },
  };
}
