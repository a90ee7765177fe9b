import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

export interface ThrottleProgressOptions {
  /** Most progress events per second and id (default 10). */
  perSecond?: number;
  /** Clock and timers; TestScheduler.run patches the default for marble tests. */
  scheduler?: SchedulerLike;
}

interface Slot<T> {
  lastEmit: number;
  pending: T | undefined;
  timer: Subscription | undefined;
}

/**
 * Samples progress events to at most `perSecond` per id, leading and trailing: the first
 * passes at once, later ones within the interval are held and the latest goes out when it
 * ends, so a display never stays behind. A held one is flushed before that id's `end`,
 * before any `error` (the last line of a failed run) and at completion, so the last
 * progress is never lost. Every other event passes at once, in order.
 */
export function throttleProgress<T extends { type: string; id: string }>(
  opts: ThrottleProgressOptions = {},
): MonoTypeOperatorFunction<T> {
  const intervalMs = 1000 / (opts.perSecond ?? 10);
  const scheduler = opts.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T>((subscriber) => {
      const slots = new Map<string, Slot<T>>();
      const flush = (slot: Slot<T>): void => {
        slot.timer?.unsubscribe();
        slot.timer = undefined;
        if (slot.pending === undefined) return;
        const e = slot.pending;
        slot.pending = undefined;
        slot.lastEmit = scheduler.now();
        subscriber.next(e);
      };
      const onProgress = (e: T): void => {
        const slot = slots.get(e.id);
        const now = scheduler.now();
        if (slot === undefined || now - slot.lastEmit >= intervalMs) {
          slot?.timer?.unsubscribe();
          slots.set(e.id, { lastEmit: now, pending: undefined, timer: undefined });
          subscriber.next(e);
          return;
        }
        slot.pending = e;
        slot.timer ??= scheduler.schedule(() => flush(slot), slot.lastEmit + intervalMs - now);
      };
      const onOther = (e: T): void => {
        if (e.type === 'error') slots.forEach(flush);
        const slot = slots.get(e.id);
        if (slot !== undefined && e.type === 'end') {
          flush(slot);
          slots.delete(e.id);
        }
        subscriber.next(e);
      };
      const sub = source.subscribe({
        next: (e) => (e.type === 'progress' ? onProgress(e) : onOther(e)),
        error: (err: unknown) => {
          slots.forEach(flush);
          subscriber.error(err);
        },
        complete: () => {
          slots.forEach(flush);
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        slots.forEach((s) => s.timer?.unsubscribe());
      };
    });
}
